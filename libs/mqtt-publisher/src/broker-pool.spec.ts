import { shardOf } from '@app/placeos-client';
import { ArrivalLog, mosquittoSkipReason } from '@app/testing';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { BrokerConnection } from './broker-connection';
import {
  eventually,
  openTestConnection,
  silentLogger,
  testBrokerConfig,
} from './test-support/broker-config';
import { brokerFixture } from './test-support/broker-fixture';

const skip = mosquittoSkipReason();
if (skip) console.warn(`connection pool tests skipped (they read mosquitto's log): ${skip}`);

describe.skipIf(skip !== undefined)('a broker with several client connections', () => {
  const { cleanups, broker, recorder, arrivalLog } = brokerFixture({
    kind: 'mosquitto',
    logConnections: true,
  });
  function pool(url: string, overrides: Parameters<typeof testBrokerConfig>[1] = {}) {
    return openTestConnection(
      testBrokerConfig(url, { clientId: 'bridge-pool', connections: 3, ...overrides }),
      cleanups,
      { shardOf },
    );
  }

  it('opens <clientId>-<n> connections and reports them in one status', async () => {
    const b = await broker();
    const conn = pool(b.url);
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    expect(
      b
        .clientIds()
        .filter((id) => id.startsWith('bridge-pool'))
        .sort(),
    ).toEqual(['bridge-pool-0', 'bridge-pool-1', 'bridge-pool-2']);
    for (let i = 0; i < 30; i++) conn.publish(`state/${i}`, `{"time":1,"value":${i}}`);
    expect(await conn.drain(5000)).toBe(true);
    const status = conn.status();
    expect(status).toMatchObject({ connected: true, published: 30, queued: 0, inFlight: 0 });
    expect(status.connections).toEqual(
      [0, 1, 2].map((n) => ({
        clientId: `bridge-pool-${n}`,
        connected: true,
        queued: 0,
        inFlight: 0,
      })),
    );
    expect(
      () =>
        new BrokerConnection(testBrokerConfig(b.url, { connections: 2 }), {
          instanceId: 'x',
          logger: silentLogger(),
        }),
    ).toThrow(/shardOf/);
  });

  it('keeps each topic on one connection (order holds) while the rate limits add up', async () => {
    const b = await broker();
    const arrivals = await arrivalLog(b, 'state/#');
    const conn = pool(b.url, { limits: { maxMessagesPerSecond: 20 } });
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    const topics = Array.from({ length: 30 }, (_, i) => `state/t${i}`);
    // Two values per topic, the second queued while the first is in flight: both must go out,
    // in order, on the topic's connection.
    for (const topic of topics) conn.publish(topic, '{"v":1}');
    for (const topic of topics) conn.publish(topic, '{"v":2}');
    expect(await conn.drain(10_000)).toBe(true);
    const rec = await recorder(b.url, 'state/#');
    await rec.waitFor(() => rec.latest.size === 30, 5000, 'every retained topic');
    for (const topic of topics) expect(rec.latest.get(topic)?.toString()).toBe('{"v":2}');
    const received = arrivals.messages();
    // Per connection, never more than its 20 in any sliding second...
    for (let n = 0; n < 3; n++) {
      const own = received.filter((a) => shardOf(a.topic, 3) === n);
      expect(ArrivalLog.maxInWindow(own, 1000)).toBeLessThanOrEqual(20);
    }
    // ... and together more than one connection could ever send.
    expect(ArrivalLog.maxInWindow(received, 1000)).toBeGreaterThan(20);
  });

  it('announces the instance on connection 0 only: another connection dropping is not "offline"', async () => {
    const b = await broker();
    const status = 'placeos/_bridge/replica-0/status';
    const watcher = await recorder(b.url, status);
    const conn = pool(b.url);
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    await watcher.waitFor(() => watcher.latest.get(status)?.toString() === 'online');
    // Taking over connection 1's client id drops it, as a network failure would.
    const intruder = await mqtt.connectAsync(b.url, {
      clientId: 'bridge-pool-1',
      reconnectPeriod: 0,
      protocolVersion: 5,
    });
    cleanups.push(() => intruder.endAsync(true));
    await eventually(() => conn.status().reconnects === 1 && conn.status().connected, 'reconnect');
    // Anything the broker published for the takeover is delivered before this probe.
    await watcher.client.subscribeAsync('probe', { qos: 1 });
    await watcher.client.publishAsync('probe', 'x', { qos: 1 });
    await watcher.waitFor(() => watcher.messages.some((m) => m.topic === 'probe'));
    expect(
      watcher.messages.filter((m) => m.topic === status).map((m) => m.payload.toString()),
    ).toEqual(['online']);
    // Connection 0 carries the Last Will: losing it does say so, until it is back.
    const intruder0 = await mqtt.connectAsync(b.url, {
      clientId: 'bridge-pool-0',
      reconnectPeriod: 0,
      protocolVersion: 5,
    });
    cleanups.push(() => intruder0.endAsync(true));
    await watcher.waitFor(
      () => watcher.messages.some((m) => m.topic === status && m.payload.toString() === 'offline'),
      5000,
      'the Last Will of connection 0',
    );
    await watcher.waitFor(() => watcher.latest.get(status)?.toString() === 'online', 5000, 'birth');
  });
});
