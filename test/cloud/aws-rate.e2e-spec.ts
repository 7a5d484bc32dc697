import { ArrivalLog } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, brokerStatus, startHarness } from '../support/bridge-harness';
import { SMALL_PORTFOLIO, stateTopicCount } from '../support/sim-fixtures';
import {
  arrivalTimingSkipReason,
  startBesideAws,
  stateTopics,
  waitForEveryStateTopic,
} from './support/cloud-support';

const skip = arrivalTimingSkipReason('AWS rate e2e');

/** The AWS profile's default template, by hand: placeos/<org>/<system>/<module>_<index>/<key>. */
function awsTopic(canonical: string): string {
  const levels = canonical.split('/');
  const [root, org] = levels;
  const [system, , module, index, key] = levels.slice(-5);
  return `${root}/${org}/${system}/${module}_${index}/${key}`;
}

async function timeToComplete(h: BridgeHarness, index: number, started: number): Promise<number> {
  await waitForEveryStateTopic(h, h.recorders[index], 20_000, `broker ${index} complete`);
  return performance.now() - started;
}

/**
 * A broker with AWS IoT Core's real limits (100 publishes/s per connection, at most 7 slashes)
 * and no topic template, beside a broker without limits: the AWS broker gets every state under
 * the profile's default template, never more than 100 messages in any second at the broker,
 * and the unlimited broker is as quick as when it is alone.
 */
describe.skipIf(skip !== undefined)(
  'bridge: AWS IoT Core limits beside an unlimited broker',
  () => {
    let h: BridgeHarness;
    let arrivals: ArrivalLog;
    let alone: number;
    let beside: number;
    let aws: number;

    beforeAll(async () => {
      const solo = await startHarness({ sim: SMALL_PORTFOLIO });
      try {
        alone = await timeToComplete(solo, 0, performance.now());
      } finally {
        await solo.close();
      }
      h = await startBesideAws('unlimited', {
        beforeBridge: async (b) => {
          arrivals = await ArrivalLog.start(b[1], '#');
        },
      });
      const started = performance.now();
      beside = await timeToComplete(h, 0, started);
      await waitForEveryStateTopic(h, h.recorders[1], 25_000, 'the AWS broker complete');
      aws = performance.now() - started;
      if (process.env.PRINT_FIGURES) {
        const n = arrivals.messages().length;
        console.info(
          `AWS e2e: ${stateTopicCount(h.sim)} state topics; unlimited alone ${alone.toFixed(0)} ms, beside AWS ${beside.toFixed(0)} ms; ` +
            `AWS ${aws.toFixed(0)} ms for ${n} messages; max ${ArrivalLog.maxInWindow(arrivals.messages())} in any second`,
        );
      }
    }, 60_000);

    afterAll(async () => {
      await arrivals?.close();
      await h?.close();
    });

    it('delivers every state under topics of at most 7 slashes (the default template)', () => {
      const [unlimited, awsRec] = h.recorders;
      const canonical = stateTopics(unlimited);
      expect(canonical.length).toBe(stateTopicCount(h.sim));
      expect(stateTopics(awsRec).sort()).toEqual(canonical.map(awsTopic).sort());
      for (const topic of canonical) {
        expect(awsRec.latest.get(awsTopic(topic))?.toString()).toBe(
          unlimited.latest.get(topic)?.toString(),
        );
      }
      for (const topic of awsRec.topics())
        expect(topic.split('/').length - 1).toBeLessThanOrEqual(7);
    });

    it('never delivers more than 100 messages in any sliding second at the AWS broker', async () => {
      const received = arrivals.messages();
      // Everything the connection published counts: state, metadata and the birth.
      expect(received.length).toBeGreaterThan(stateTopicCount(h.sim));
      expect(ArrivalLog.maxInWindow(received, 1000)).toBeLessThanOrEqual(100);
      // It did run at the limit, not below it.
      expect(ArrivalLog.maxInWindow(received, 1000)).toBeGreaterThanOrEqual(90);
      const status = (await brokerStatus(h)).get('aws')!;
      expect(status).toMatchObject({ connected: true, refused: 0, queued: 0 });
    });

    it('leaves the unlimited broker as quick as alone', () => {
      // The AWS broker needs seconds at 100 messages/s; the other one does not wait for it
      // (a generous bound: this machine's speed varies from run to run).
      expect(beside).toBeLessThan(aws);
      expect(beside).toBeLessThan(alone * 2 + 1000);
    });
  },
);
