import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttRecorder, startTestBroker, TcpProxy, type TestBroker } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';

/**
 * A broker that accepts TCP and then never acknowledges (a hung process, a full disk) is worse
 * than one that refuses: nothing fails, everything waits. The other broker must not wait with it.
 */
describe('bridge: a stalled broker delays no other broker', () => {
  let h: BridgeHarness;
  let slow: TestBroker;
  let proxy: TcpProxy;
  let onSlow: MqttRecorder;
  let mod: string;
  let sys: string;

  const counterTopic = (recorder: MqttRecorder) =>
    recorder.topics().find((t) => t.includes(`/${sys}/`) && t.endsWith('/Counter/1/count'));
  const countAt = (recorder: MqttRecorder) => {
    const topic = counterTopic(recorder);
    const payload = topic === undefined ? undefined : recorder.latest.get(topic);
    return payload === undefined ? undefined : parsePayload(payload).value;
  };

  beforeAll(async () => {
    slow = await startTestBroker();
    proxy = await TcpProxy.start(slow.port);
    const file = join(mkdtempSync(join(tmpdir(), 'stalled-')), 'brokers.json');
    writeFileSync(
      file,
      JSON.stringify([{ id: 'stalled', url: proxy.url, secret: 'stalled-broker-secret-0123' }]),
    );
    h = await startHarness({ env: { BROKERS_FILE: file } });
    onSlow = await MqttRecorder.connect(slow.url, 'placeos/#');
    const w = h.sim.world;
    const org = w.addZone({ name: 'Org', tags: ['org'] });
    sys = w.addSystem({ name: 'Stall room', zones: [org] });
    mod = w.addModule(sys, { driverId: w.listDrivers()[0].id, customName: 'Counter' });
    w.setState(mod, 'count', 0);
    await h.recorders[0].waitFor(() => countAt(h.recorders[0]) === 0, 20_000, 'healthy broker');
    await onSlow.waitFor(() => countAt(onSlow) === 0, 20_000, 'stalled broker, before the stall');
  });

  afterAll(async () => {
    proxy?.resume();
    await onSlow?.close();
    await h?.close();
    await proxy?.stop();
    await slow?.stop();
  });

  it('keeps delivering to the healthy broker while the other acknowledges nothing, then catches it up', async () => {
    proxy.stall();
    for (let i = 1; i <= 200; i++) h.sim.world.setState(mod, 'count', i);
    // The last value reaches the healthy broker while the stalled one still holds the first.
    await h.recorders[0].waitFor(() => countAt(h.recorders[0]) === 200, 10_000, 'healthy broker');
    expect(countAt(onSlow)).toBe(0);
    const res = await fetch(`${h.bridge.url}/api/v1/brokers`, {
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    const stalled = (
      (await res.json()) as { items: Array<{ id: string; inFlight: number; queued: number }> }
    ).items.find((b) => b.id === 'stalled')!;
    expect(stalled.inFlight + stalled.queued).toBeGreaterThan(0);

    proxy.resume();
    await onSlow.waitFor(() => countAt(onSlow) === 200, 20_000, 'stalled broker to catch up');
  });
});
