import type { MqttRecorder } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BridgeHarness,
  eventually,
  parsePayload,
  startHarness,
} from '../support/bridge-harness';
import { addRoomModule } from '../support/sim-fixtures';

function valueAt(recorder: MqttRecorder, topic: string): unknown {
  const payload = recorder.latest.get(topic);
  return payload === undefined ? undefined : parsePayload(payload).value;
}

/** Topics (on the recorder) whose module id and key match. */
function topicOf(
  recorder: MqttRecorder,
  moduleName: string,
  key: string,
  system: string,
): string | undefined {
  return recorder
    .topics()
    .find((t) => t.endsWith(`/${moduleName}/1/${key}`) && t.includes(`/${system}/`));
}

describe('bridge: delivery to several brokers', () => {
  let h: BridgeHarness;
  let sys: string;
  let mod: string;
  const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];

  beforeAll(async () => {
    h = await startHarness({ brokers: 2 });
    ({ sys, mod } = addRoomModule(h.sim.world, 'Delivery room', 'Counter'));
    for (const key of keys) h.sim.world.setState(mod, key, 0);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('sends the same topics and payloads to both brokers', async () => {
    const [a, b] = h.recorders;
    await a.waitFor(() => keys.every((k) => topicOf(a, 'Counter', k, sys)), 20_000, 'broker a');
    await b.waitFor(() => keys.every((k) => topicOf(b, 'Counter', k, sys)), 20_000, 'broker b');
    for (const key of keys) {
      const topic = topicOf(a, 'Counter', key, sys)!;
      expect(b.latest.get(topic)?.toString()).toBe(a.latest.get(topic)?.toString());
    }
  });

  it('keeps publishing to one broker while the other is down, and catches the other up', async () => {
    const [a, b] = h.recorders;
    const topic = topicOf(a, 'Counter', 'k0', sys)!;
    await h.brokers[1].stop();
    for (let i = 1; i <= 50; i++) h.sim.world.setState(mod, 'k0', i);
    // The healthy broker gets the final value while the other is still down.
    await a.waitFor(() => valueAt(a, topic) === 50, 20_000, 'broker a to reach 50');
    const status = await eventually(async () => {
      const res = await fetch(`${h.bridge.url}/api/v1/brokers`, {
        headers: { authorization: `Bearer ${h.adminToken}` },
      });
      const body = (await res.json()) as {
        items: Array<{ id: string; connected: boolean; queued: number }>;
      };
      const b1 = body.items.find((i) => i.id === 'b1');
      return b1 && !b1.connected ? b1 : undefined;
    }, 'broker b1 reported down');
    expect(status.queued).toBeGreaterThan(0);
    // Forget what b saw before: only the bridge's re-publication can fill it again.
    b.latest.clear();
    await h.brokers[1].start();
    // A restarted broker has lost its retained messages: the bridge re-publishes everything.
    await b.waitFor(
      () => keys.every((k) => valueAt(b, topicOf(a, 'Counter', k, sys)!) === (k === 'k0' ? 50 : 0)),
      30_000,
      'broker b to catch up after its restart',
    );
  });

  it('ends with every topic at its latest value after a broker restart mid-stream', async () => {
    const [a] = h.recorders;
    let running = true;
    let n = 0;
    const writer = (async () => {
      while (running) {
        n++;
        for (const key of keys) h.sim.world.setState(mod, key, n);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await h.brokers[0].restart();
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await writer;
    await a.waitFor(
      () => keys.every((k) => valueAt(a, topicOf(a, 'Counter', k, sys) ?? '') === n),
      30_000,
      `every key at ${n} on the restarted broker`,
    );
  });
});
