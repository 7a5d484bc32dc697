import type { MqttRecorder } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerStatus, parsePayload } from '../support/bridge-harness';
import { type BehindProxy, startBehindProxy } from '../support/proxied-broker';

/**
 * A broker that accepts TCP and then never acknowledges (a hung process, a full disk) is worse
 * than one that refuses: nothing fails, everything waits. The other broker must not wait with it.
 */
describe('bridge: a stalled broker delays no other broker', () => {
  let s: BehindProxy;

  const counterTopic = (recorder: MqttRecorder) =>
    recorder.topics().find((t) => t.includes(`/${s.sys}/`) && t.endsWith('/Counter/1/count'));
  const countAt = (recorder: MqttRecorder) => {
    const topic = counterTopic(recorder);
    const payload = topic === undefined ? undefined : recorder.latest.get(topic);
    return payload === undefined ? undefined : parsePayload(payload).value;
  };

  beforeAll(async () => {
    s = await startBehindProxy(
      { id: 'stalled', secret: 'stalled-broker-secret-0123' },
      'Stall room',
      'Counter',
    );
    const { h, onSlow, mod } = s;
    h.sim.world.setState(mod, 'count', 0);
    await h.recorders[0].waitFor(() => countAt(h.recorders[0]) === 0, 20_000, 'healthy broker');
    await onSlow.waitFor(() => countAt(onSlow) === 0, 20_000, 'stalled broker, before the stall');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('keeps delivering to the healthy broker while the other acknowledges nothing, then catches it up', async () => {
    const { h, proxy, onSlow, mod } = s;
    proxy.stall();
    for (let i = 1; i <= 200; i++) h.sim.world.setState(mod, 'count', i);
    // The last value reaches the healthy broker while the stalled one still holds the first.
    await h.recorders[0].waitFor(() => countAt(h.recorders[0]) === 200, 10_000, 'healthy broker');
    expect(countAt(onSlow)).toBe(0);
    const stalled = (await brokerStatus(h)).get('stalled')!;
    expect(stalled.inFlight + stalled.queued).toBeGreaterThan(0);

    proxy.resume();
    await onSlow.waitFor(() => countAt(onSlow) === 200, 20_000, 'stalled broker to catch up');
  });
});
