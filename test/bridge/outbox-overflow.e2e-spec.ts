import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttRecorder, startTestBroker, TcpProxy, type TestBroker } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';

const OUTBOX = 100;
const NEW_KEYS = 3 * OUTBOX;

/**
 * An outbox holds at most a bounded number of topics; a burst of more new topics than that,
 * while the broker is not acknowledging, is refused in part (`outbox_full`). Refused is not
 * lost: once the broker has drained, the bridge sends everything it does not hold.
 */
describe('bridge: a broker whose outbox overflowed is caught up', () => {
  let h: BridgeHarness;
  let slow: TestBroker;
  let proxy: TcpProxy;
  let onSlow: MqttRecorder;
  let mod: string;
  let sys: string;

  const valuesOf = (recorder: MqttRecorder): Map<string, unknown> => {
    const values = new Map<string, unknown>();
    for (const topic of recorder.topics()) {
      const at = topic.indexOf(`/${sys}/`);
      if (at < 0 || !topic.includes('/Flood/1/')) continue;
      values.set(
        topic.slice(topic.lastIndexOf('/') + 1),
        parsePayload(recorder.latest.get(topic)!).value,
      );
    }
    return values;
  };
  const complete = (recorder: MqttRecorder): boolean => {
    const values = valuesOf(recorder);
    for (let i = 0; i < NEW_KEYS; i++) if (values.get(`k${i}`) !== i) return false;
    return true;
  };

  beforeAll(async () => {
    slow = await startTestBroker();
    proxy = await TcpProxy.start(slow.port);
    const file = join(mkdtempSync(join(tmpdir(), 'overflow-')), 'brokers.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'small',
          url: proxy.url,
          secret: 'small-outbox-secret-0123',
          outboxMaxTopics: OUTBOX,
        },
      ]),
    );
    h = await startHarness({ env: { BROKERS_FILE: file } });
    onSlow = await MqttRecorder.connect(slow.url, 'placeos/#');
    const w = h.sim.world;
    const org = w.addZone({ name: 'Org', tags: ['org'] });
    sys = w.addSystem({ name: 'Flood room', zones: [org] });
    mod = w.addModule(sys, { driverId: w.listDrivers()[0].id, customName: 'Flood' });
    w.setState(mod, 'ready', true);
    await onSlow.waitFor(() => valuesOf(onSlow).get('ready') === true, 20_000, 'the module');
  });

  afterAll(async () => {
    proxy?.resume();
    await onSlow?.close();
    await h?.close();
    await proxy?.stop();
    await slow?.stop();
  });

  it('refuses part of a burst of new topics while the broker is stalled, then delivers all of it', async () => {
    proxy.stall();
    for (let i = 0; i < NEW_KEYS; i++) h.sim.world.setState(mod, `k${i}`, i);
    // The other broker has them all: the bridge has handled the whole burst.
    await h.recorders[0].waitFor(() => complete(h.recorders[0]), 20_000, 'the healthy broker');
    const res = await fetch(`${h.bridge.url}/api/v1/brokers`, {
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    const small = (
      (await res.json()) as {
        items: Array<{ id: string; refusedByReason?: Record<string, number> }>;
      }
    ).items.find((b) => b.id === 'small')!;
    expect(small.refusedByReason?.outbox_full).toBeGreaterThan(0);
    expect(complete(onSlow)).toBe(false);

    proxy.resume();
    await onSlow.waitFor(() => complete(onSlow), 20_000, 'every value on the caught-up broker');
  });
});
