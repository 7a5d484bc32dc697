import { MqttRecorder } from '@app/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, eventually, startHarness } from '../support/bridge-harness';

describe('bridge: health, metrics, docs and shutdown', () => {
  let h: BridgeHarness;
  const api = () => request(h.bridge.app.getHttpServer());

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('is live at once and ready once PlaceOS is synced and the broker connected', async () => {
    await api().get('/health/live').expect(200);
    const ready = await eventually(async () => {
      const res = await api().get('/health/ready');
      return res.status === 200 ? res : undefined;
    }, 'readiness');
    expect(ready.body.details).toMatchObject({
      placeos: { status: 'up', firstSyncDone: true },
      brokers: { status: 'up' },
      rules: { status: 'up' },
    });
  });

  it('reports 503 with details while the broker is down, and recovers', async () => {
    await h.brokers[0].stop();
    const down = await eventually(async () => {
      const res = await api().get('/health/ready');
      return res.status === 503 ? res : undefined;
    }, 'readiness to fail');
    expect(down.body.details.brokers.status).toBe('down');
    expect(JSON.stringify(down.body)).not.toContain(h.secrets[0]);
    await api().get('/health/live').expect(200);
    await h.brokers[0].start();
    await eventually(
      async () => ((await api().get('/health/ready')).status === 200 ? true : undefined),
      'recovery',
    );
  });

  it('serves Prometheus metrics without topics or values as labels', async () => {
    const res = await api().get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(/placeos_bridge_state_events_total\{kind="(live|resync)"\} \d+/);
    expect(res.text).toMatch(/placeos_bridge_broker_connected\{broker="default"\} 1/);
    expect(res.text).not.toContain('placeos/');
    // The heap cap is exported so dashboards can alert before V8 runs out of memory.
    const heapLimit = Number(/^placeos_bridge_heap_limit_bytes (\d+)$/m.exec(res.text)?.[1]);
    expect(heapLimit).toBeGreaterThan(16 * 1048576);
  });

  it('documents the admin API in OpenAPI', async () => {
    const res = await api().get('/api/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/rules',
        '/api/v1/rules/{id}',
        '/api/v1/rules/preview',
        '/api/v1/brokers',
      ]),
    );
  });

  it('publishes a retained birth message, and `offline` on a graceful stop', async () => {
    const statusTopic = `placeos/_bridge/${h.bridge.instanceId}/status`;
    const watcher = await MqttRecorder.connect(h.brokers[0].url, statusTopic);
    await watcher.waitFor(
      () => watcher.latest.get(statusTopic)?.toString() === 'online',
      10_000,
      'online',
    );
    await h.bridge.close();
    await watcher.waitFor(
      () => watcher.latest.get(statusTopic)?.toString() === 'offline',
      10_000,
      'offline',
    );
    await watcher.close();
  });
});
