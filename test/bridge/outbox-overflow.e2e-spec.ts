import type { MqttRecorder } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerStatus, parsePayload } from '../support/bridge-harness';
import { type BehindProxy, startBehindProxy } from '../support/proxied-broker';

const OUTBOX = 100;
const NEW_KEYS = 3 * OUTBOX;

/**
 * An outbox holds at most a bounded number of topics; a burst of more new topics than that,
 * while the broker is not acknowledging, is refused in part (`outbox_full`). Refused is not
 * lost: once the broker has drained, the bridge sends everything it does not hold.
 */
describe('bridge: a broker whose outbox overflowed is caught up', () => {
  let s: BehindProxy;

  const valuesOf = (recorder: MqttRecorder): Map<string, unknown> => {
    const values = new Map<string, unknown>();
    for (const topic of recorder.topics()) {
      const at = topic.indexOf(`/${s.sys}/`);
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
    s = await startBehindProxy(
      { id: 'small', secret: 'small-outbox-secret-0123', outboxMaxTopics: OUTBOX },
      'Flood room',
      'Flood',
    );
    const { h, onSlow, mod } = s;
    h.sim.world.setState(mod, 'ready', true);
    await onSlow.waitFor(() => valuesOf(onSlow).get('ready') === true, 20_000, 'the module');
  });

  afterAll(async () => {
    await s?.close();
  });

  it('refuses part of a burst of new topics while the broker is stalled, then delivers all of it', async () => {
    const { h, proxy, onSlow, mod } = s;
    proxy.stall();
    for (let i = 0; i < NEW_KEYS; i++) h.sim.world.setState(mod, `k${i}`, i);
    // The other broker has them all: the bridge has handled the whole burst.
    await h.recorders[0].waitFor(() => complete(h.recorders[0]), 20_000, 'the healthy broker');
    const small = (await brokerStatus(h)).get('small')!;
    expect(small.refusedByReason?.outbox_full).toBeGreaterThan(0);
    expect(complete(onSlow)).toBe(false);

    proxy.resume();
    await onSlow.waitFor(() => complete(onSlow), 20_000, 'every value on the caught-up broker');
  });
});
