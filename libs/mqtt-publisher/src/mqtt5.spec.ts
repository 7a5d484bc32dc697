import { connect, createServer, type Socket } from 'node:net';
import { mosquittoSkipReason, type TestBroker } from '@app/testing';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { eventually } from './test-support/broker-config';
import { brokerFixture } from './test-support/broker-fixture';

const skip = mosquittoSkipReason();
if (skip) console.warn(`MQTT 5 tests skipped (they need a broker that speaks MQTT 5): ${skip}`);

/** A loopback relay that counts the bytes the client writes to the broker's socket. */
async function countingRelay(port: number) {
  let written = 0;
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.once('close', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.on('data', (chunk: Buffer) => (written += chunk.length));
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    written: () => written,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe.skipIf(skip !== undefined)('MQTT 5 against mosquitto', () => {
  const { cleanups, broker, recorder, connection } = brokerFixture({ kind: 'mosquitto' });
  async function subscriber(url: string, filter: string) {
    const client = await mqtt.connectAsync(url, { protocolVersion: 5 });
    cleanups.push(() => client.endAsync(true));
    const seen: mqtt.IPublishPacket[] = [];
    client.on('message', (_topic, _payload, packet) => seen.push(packet));
    await client.subscribeAsync(filter, { qos: 1 });
    return seen;
  }

  it('sends messageExpirySeconds and the static userProperties with every message', async () => {
    const b = await broker();
    const seen = await subscriber(b.url, '#');
    const conn = connection(b.url, {
      messageExpirySeconds: 3600,
      userProperties: { site: 'hq', tenant: 'acme' },
    });
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    conn.publish('state/a', '{"time":1,"value":1}');
    await eventually(() => seen.some((p) => p.topic === 'state/a'), 'the state message');
    const state = seen.find((p) => p.topic === 'state/a')!;
    expect(conn.status().protocolVersion).toBe(5);
    expect(state.properties?.userProperties).toEqual({ site: 'hq', tenant: 'acme' });
    // The broker forwards the remaining lifetime: at most what was sent, and not much less.
    expect(state.properties?.messageExpiryInterval).toBeGreaterThan(3590);
    expect(state.properties?.messageExpiryInterval).toBeLessThanOrEqual(3600);
    // `online` must not expire while the bridge is up.
    const birth = seen.find((p) => p.topic === conn.statusTopic)!;
    expect(birth.properties?.userProperties).toEqual({ site: 'hq', tenant: 'acme' });
    expect(birth.properties?.messageExpiryInterval).toBeUndefined();
  });

  it('uses the topic aliases the broker grants, and saves bytes on the socket', async () => {
    /** Socket bytes to publish 10 topics × 30 rounds (each round delivered before the next). */
    async function bytesFor(b: TestBroker): Promise<number> {
      const relay = await countingRelay(b.port);
      cleanups.push(() => relay.close());
      const rec = await recorder(b.url, 'placeos/#');
      const conn = connection(relay.url);
      await conn.start();
      expect(await conn.whenConnected(5000)).toBe(true);
      const before = relay.written();
      const topic = (i: number) => `placeos/zone-FhjmXm3FJbb/state/sys-FhjmXm3FJbb/Display/1/k${i}`;
      for (let round = 0; round < 30; round++) {
        for (let i = 0; i < 10; i++) conn.publish(topic(i), `{"time":${round},"value":${i}}`);
        expect(await conn.drain(5000)).toBe(true);
      }
      // Whatever the aliases did, the subscriber sees every topic by name with its last value.
      await rec.waitFor(() => rec.latest.get(topic(9))?.toString() === '{"time":29,"value":9}');
      for (let i = 0; i < 10; i++) {
        expect(rec.latest.get(topic(i))?.toString()).toBe(`{"time":29,"value":${i}}`);
      }
      return relay.written() - before;
    }
    const granted = await broker(); // mosquitto grants 10 aliases by default
    const refused = await broker({ listenerSettings: ['max_topic_alias 0'] });
    const withAliases = await bytesFor(granted);
    const without = await bytesFor(refused);
    // 300 messages: the first two rounds send the topic (the second also registers its alias,
    // 3 property bytes), the other 280 send an empty topic and the 3-byte alias property.
    const topicBytes = 'placeos/zone-FhjmXm3FJbb/state/sys-FhjmXm3FJbb/Display/1/k0'.length;
    const saved = without - withAliases;
    if (process.env.PRINT_FIGURES) {
      console.info(
        `topic aliases: ${without} → ${withAliases} bytes (${saved} saved, 300 messages)`,
      );
    }
    expect(saved).toBe(280 * (topicBytes - 3) - 10 * 3);
  });

  it("caps the in-flight window at the broker's Receive Maximum", async () => {
    const b = await broker({ settings: ['max_inflight_messages 5'] });
    const rec = await recorder(b.url, 'state/#');
    const conn = connection(b.url); // the generic profile allows 64
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    for (let i = 0; i < 100; i++) conn.publish(`state/${i}`, `{"time":1,"value":${i}}`);
    // The pump sends synchronously until the window is full; no PUBACK can have come back yet.
    expect(conn.status()).toMatchObject({ inFlight: 5, queued: 95 });
    expect(await conn.drain(10_000)).toBe(true);
    await rec.waitFor(() => rec.latest.size === 100, 5000, 'all 100 messages');
    // A profile window below the broker's wins.
    const narrow = connection(b.url, { limits: { maxInFlight: 3 } });
    await narrow.start();
    expect(await narrow.whenConnected(5000)).toBe(true);
    for (let i = 0; i < 10; i++) narrow.publish(`state/n${i}`, '{}');
    expect(narrow.status().inFlight).toBe(3);
  });

  it("refuses, counts and never sends a message over the broker's Maximum Packet Size", async () => {
    const b = await broker({ settings: ['max_packet_size 2000'] });
    const rec = await recorder(b.url, 'state/#');
    const conn = connection(b.url);
    // Queued before the first CONNACK: the pump refuses it once the broker announces its limit.
    expect(conn.publish('state/early', 'x'.repeat(3000))).toBe('queued');
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    // Known now: refused at once.
    expect(conn.publish('state/big', 'x'.repeat(3000))).toEqual({
      refused: expect.stringMatching(/^packet is \d+ bytes, broker's Maximum Packet Size is 2000$/),
    });
    expect(conn.publish('state/small', 'x'.repeat(1500))).toBe('queued');
    expect(await conn.drain(5000)).toBe(true);
    await rec.waitFor(() => rec.latest.has('state/small'), 5000, 'the small message');
    expect(rec.topics()).toEqual(['state/small']);
    // Had a big one gone out, mosquitto would have disconnected the bridge.
    expect(conn.status()).toMatchObject({
      connected: true,
      reconnects: 0,
      refusedByReason: { packet_too_large: 2 },
    });
  });
});
