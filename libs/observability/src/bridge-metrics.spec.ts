import { describe, expect, it } from 'vitest';
import { BridgeMetrics } from './bridge-metrics';

describe('BridgeMetrics', () => {
  it('renders Prometheus text with refreshed gauges and survives a failing source', async () => {
    const metrics = new BridgeMetrics({ defaultMetrics: true });
    let connected = 0;
    let delivered = 0;
    metrics.onCollect(() => metrics.brokerConnected.set({ broker: 'default' }, connected));
    metrics.onCollect(() => metrics.brokerDelivered.sync({ broker: 'default' }, delivered));
    metrics.onCollect(() => {
      throw new Error('source down');
    });
    metrics.published.inc({ broker: 'default', kind: 'state' }, 3);
    connected = 1;
    delivered = 7;
    await metrics.render();
    delivered = 10;
    const text = await metrics.render();
    expect(text).toContain(
      'placeos_bridge_messages_published_total{broker="default",kind="state"} 3',
    );
    expect(text).toContain('placeos_bridge_broker_connected{broker="default"} 1');
    expect(text).toContain('# TYPE placeos_bridge_broker_delivered_messages_total counter');
    expect(text).toContain('placeos_bridge_broker_delivered_messages_total{broker="default"} 10');
    expect(text).toContain('placeos_bridge_process_resident_memory_bytes');
  });
});
