import { shardOf } from '@app/placeos-client';
import { ArrivalLog } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, brokerStatus, startHarness } from '../support/bridge-harness';
import { SMALL_PORTFOLIO } from '../support/sim-fixtures';
import { arrivalTimingSkipReason, waitForEveryStateTopic } from './support/cloud-support';

const skip = arrivalTimingSkipReason('connection pool e2e');

const RATE = 50;

/**
 * Two brokers with the same per-connection limit (50 messages/s), one with one connection, one
 * with `connections: 4`: the second gets four client connections and about four times the rate,
 * each topic always on the same connection, none of them over its own limit.
 */
describe.skipIf(skip !== undefined)('bridge: a connection pool multiplies the rate limit', () => {
  let h: BridgeHarness;
  const arrivals: ArrivalLog[] = [];

  beforeAll(async () => {
    h = await startHarness({
      sim: SMALL_PORTFOLIO,
      brokers: 2,
      brokerOptions: () => ({ logConnections: true }),
      brokerEntries: (b, secrets) =>
        ['single', 'pool'].map((id, i) => ({
          id,
          url: b[i].url,
          clientId: `bridge-{instance}-${id}`,
          profile: 'aws-iot-core',
          connections: id === 'pool' ? 4 : 1,
          limits: { maxMessagesPerSecond: RATE },
          secret: secrets[i],
        })),
      beforeBridge: async (b) => {
        for (const broker of b) arrivals.push(await ArrivalLog.start(broker, '#'));
      },
    });
    for (const rec of h.recorders)
      await waitForEveryStateTopic(h, rec, 20_000, 'every state topic');
  }, 30_000);

  afterAll(async () => {
    await Promise.all(arrivals.map((a) => a.close()));
    await h?.close();
  });

  it('shows one broker with four connected client connections <clientId>-<n>', async () => {
    const pool = (await brokerStatus(h)).get('pool')!;
    const prefix = `bridge-${h.bridge.instanceId}-pool`;
    expect(pool.connected).toBe(true);
    expect(pool.connections).toEqual(
      [0, 1, 2, 3].map((n) => ({
        clientId: `${prefix}-${n}`,
        connected: true,
        queued: 0,
        inFlight: 0,
      })),
    );
    expect(
      h.brokers[1]
        .clientIds()
        .filter((id) => id.startsWith(prefix))
        .sort(),
    ).toEqual([0, 1, 2, 3].map((n) => `${prefix}-${n}`));
    expect((await brokerStatus(h)).get('single')!.connections).toHaveLength(1);
  });

  it('delivers about four times the rate, no connection over its own limit', () => {
    const single = arrivals[0].messages();
    const pool = arrivals[1].messages();
    const statusTopic = `placeos/_bridge/${h.bridge.instanceId}/status`;
    // The birth goes on connection 0; every other topic on the connection its hash picks.
    const connectionOf = (topic: string) => (topic === statusTopic ? 0 : shardOf(topic, 4));
    for (let n = 0; n < 4; n++) {
      const own = pool.filter((a) => connectionOf(a.topic) === n);
      expect(own.length).toBeGreaterThan(RATE);
      expect(ArrivalLog.maxInWindow(own, 1000)).toBeLessThanOrEqual(RATE);
    }
    const singleRate = ArrivalLog.maxInWindow(single, 1000);
    const poolRate = ArrivalLog.maxInWindow(pool, 1000);
    if (process.env.PRINT_FIGURES) {
      console.info(`pool e2e: one connection ${singleRate}/s, four connections ${poolRate}/s`);
    }
    expect(singleRate).toBeLessThanOrEqual(RATE);
    expect(singleRate).toBeGreaterThanOrEqual(RATE - 5);
    // Four connections, each with more than a second's worth waiting: 3.5× to 4×.
    expect(poolRate).toBeGreaterThanOrEqual(3.5 * RATE);
    expect(poolRate).toBeLessThanOrEqual(4 * RATE);
  });
});
