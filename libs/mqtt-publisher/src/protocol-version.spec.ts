import mqtt from 'mqtt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  eventually,
  openTestConnection,
  silentLogger,
  testBrokerConfig,
} from './test-support/broker-config';
import { brokerFixture } from './test-support/broker-fixture';

describe('MQTT protocol version', () => {
  const { cleanups, broker: startBroker } = brokerFixture();
  const aedes = () => startBroker({ kind: 'aedes' });
  function connection(
    url: string,
    overrides: Parameters<typeof testBrokerConfig>[1] = {},
    logger = silentLogger(),
  ) {
    return openTestConnection(
      testBrokerConfig(url, overrides),
      cleanups,
      { maxReconnectPeriodMs: 100, logger },
      500,
    );
  }
  /** A connection whose log lines (info and above) are kept in `lines`. */
  function loggedConnection(url: string, overrides: Parameters<typeof testBrokerConfig>[1] = {}) {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    return { conn: connection(url, overrides, logger), lines };
  }

  it('the in-process Aedes broker refuses MQTT 5 (precondition of the fallback test)', async () => {
    const broker = await aedes();
    await expect(
      mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 }),
    ).rejects.toThrow(/protocol version/i);
  });

  it('falls back to 3.1.1 when the broker refuses 5, and publishes', async () => {
    const broker = await aedes();
    const conn = connection(broker.url, { protocolVersion: 'auto' });
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    expect(conn.status().protocolVersion).toBe(4);

    const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
    cleanups.push(() => sub.endAsync(true));
    const received: string[] = [];
    sub.on('message', (_t, payload) => received.push(payload.toString()));
    await sub.subscribeAsync('state/#', { qos: 1 });
    conn.publish('state/v', '{"time":1,"value":"v4"}');
    await eventually(() => received.length === 1, 'the message');
    expect(received).toEqual(['{"time":1,"value":"v4"}']);
  });

  it('treats the fallback as expected: an info line, no warning, no last error', async () => {
    const broker = await aedes();
    const { conn, lines } = loggedConnection(broker.url);
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
    expect(lines.map((line) => line.msg)).toContain(
      'broker refused MQTT 5; falling back to MQTT 3.1.1',
    );
    expect(conn.status().lastError).toBeUndefined();
  });

  it('warns when the fallback drops MQTT 5 settings (expiry, user properties)', async () => {
    const broker = await aedes();
    const { conn, lines } = loggedConnection(broker.url, {
      messageExpirySeconds: 60,
      userProperties: { a: 'b' },
    });
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
      'this broker speaks only MQTT 3.1.1: messageExpirySeconds and userProperties are not sent',
    ]);
  });

  it('does not fall back when MQTT 5 is forced, and reports why', async () => {
    const broker = await aedes();
    const conn = connection(broker.url, { protocolVersion: 5 });
    await conn.start();
    await eventually(() => conn.status().lastError !== undefined, 'an error');
    expect(conn.status().lastError).toMatch(/protocol version/i);
    expect(await conn.whenConnected(300)).toBe(false);
  });

  it('uses MQTT 5 with a broker that supports it', async () => {
    const broker = await startBroker();
    const conn = connection(broker.url, { protocolVersion: 'auto' });
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    // Aedes speaks only 3.1.1, so a 5 here shows the broker really negotiated 5.
    expect(conn.status().protocolVersion).toBe(broker.kind === 'mosquitto' ? 5 : 4);
  });
});
