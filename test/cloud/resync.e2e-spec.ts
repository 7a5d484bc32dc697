import { MqttRecorder } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, brokerStatus, eventually } from '../support/bridge-harness';
import { stateTopicCount } from '../support/sim-fixtures';
import { startBesideAws, stateTopics, waitForEveryStateTopic } from './support/cloud-support';

/** The AWS profile's default template, by hand: placeos/<org>/<system>/<module>_<index>/<key>. */
function awsTopic(canonical: string): string {
  const levels = canonical.split('/');
  const [system, , module, index, key] = levels.slice(-5);
  return `${levels[0]}/${levels[1]}/${system}/${module}_${index}/${key}`;
}

/**
 * A broker with AWS IoT Core's 100 messages/s restarts and comes back empty: the bridge
 * re-sends the whole state at that rate, as resync; a live change made meanwhile goes ahead of
 * the backlog; at the end the broker holds every topic's latest value.
 */
describe('bridge: paced resync after a rate-limited broker restarts empty', () => {
  let h: BridgeHarness;

  beforeAll(async () => {
    h = await startBesideAws('reference');
    for (const rec of h.recorders) await waitForEveryStateTopic(h, rec, 20_000, 'the first sync');
  }, 30_000);

  afterAll(async () => {
    await h?.close();
  });

  it('sends a live change first, then every latest value, showing resync progress', async () => {
    const [reference, aws] = h.recorders;
    await eventually(async () => (await brokerStatus(h)).get('aws')?.queued === 0, 'idle');
    await h.brokers[1].restart(); // loses every retained message
    const resyncing = await eventually(async () => {
      const status = (await brokerStatus(h)).get('aws');
      return status?.connected && (status.resync?.pending ?? 0) > 100 ? status : undefined;
    }, 'the resync to start');
    expect(resyncing.resync!.sent).toBeLessThan(100);

    // A live change while more than a second of resync waits.
    const system = h.sim.world.listSystems().find((s) => s.modules.length > 0)!;
    const moduleId = system.modules[0];
    const key = [...h.sim.world.stateHash(moduleId)!.keys()][0];
    const marker = `live-${Date.now()}`;
    h.sim.world.setState(moduleId, key, marker);
    const canonical = await reference.waitFor(
      () => reference.topics().find((t) => reference.latest.get(t)?.toString().includes(marker)),
      5000,
      'the live change on the reference broker',
    );
    aws.clear();
    await aws.waitFor(
      () => aws.latest.get(awsTopic(canonical))?.toString().includes(marker),
      5000,
      'the live change on the AWS broker',
    );
    const during = (await brokerStatus(h)).get('aws')!;
    expect(during.resync!.pending).toBeGreaterThan(0);

    // The end: every topic's latest value is retained on the restarted broker.
    await eventually(async () => (await brokerStatus(h)).get('aws')?.queued === 0, 'the resync');
    const after = (await brokerStatus(h)).get('aws')!;
    expect(after.resync).toMatchObject({ pending: 0 });
    expect(after.resync!.sent).toBeGreaterThanOrEqual(stateTopicCount(h.sim));
    expect(after).toMatchObject({ connected: true, refused: 0 });
    const late = await MqttRecorder.connect(h.brokers[1].url, 'placeos/#');
    try {
      const expected = stateTopics(reference);
      await late.waitFor(
        () => expected.every((t) => late.latest.get(awsTopic(t))?.equals(reference.latest.get(t)!)),
        10_000,
        'every latest value retained',
      );
      expect(stateTopics(late).length).toBe(expected.length);
    } finally {
      await late.close();
    }
  });
});
