import { freePort } from '@app/testing';
import { describe, expect, it } from 'vitest';
import { eventually } from './test-support/broker-config';
import { brokerFixture, holdsEvery } from './test-support/broker-fixture';

describe('paced resync after a (re)connect', () => {
  const { broker, recorder, connection } = brokerFixture();

  it('sends a live change before the resync backlog, at the rate limit', async () => {
    const b = await broker();
    const rec = await recorder(b.url, 'state/#');
    const conn = connection(b.url, { limits: { maxMessagesPerSecond: 50 } });
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    for (let i = 0; i < 200; i++) conn.publishResync(`state/r${i}`, `{"time":1,"value":${i}}`);
    // The in-flight window (or the rate limit) lets a few go at once; the rest wait.
    const waiting = conn.status();
    expect(waiting.resync).toEqual({ pending: 200 - waiting.inFlight, sent: 0 });
    expect(waiting.inFlight).toBeLessThanOrEqual(50);
    // Behind 150 or more waiting resync messages (3 s at 50/s), a live change goes next.
    expect(conn.publish('state/live', '{"time":2,"value":"now"}')).toBe('queued');
    await rec.waitFor(() => rec.latest.has('state/live'), 5000, 'the live change');
    const resyncSoFar = rec.messages.filter((m) => m.topic.startsWith('state/r')).length;
    expect(resyncSoFar).toBeLessThan(120);
    expect(conn.status().resync!.pending).toBeGreaterThan(50);
    expect(await conn.drain(10_000)).toBe(true);
    await rec.waitFor(() => rec.latest.size === 201, 5000, 'every topic');
    expect(conn.status().resync).toEqual({ pending: 0, sent: 200 });
  });

  it('never lets a resync value overwrite a newer live one', async () => {
    const port = await freePort();
    const conn = connection(`mqtt://127.0.0.1:${port}`);
    await conn.start(); // nothing listens yet: everything waits in the outboxes
    conn.publishResync('state/a', '{"value":"old a"}');
    conn.publish('state/a', '{"value":"new a"}'); // replaces the waiting resync value
    conn.publish('state/b', '{"value":"new b"}');
    conn.publishResync('state/b', '{"value":"old b"}'); // a live value waits: skipped
    expect(conn.status()).toMatchObject({ queued: 2, resync: { pending: 0, sent: 0 } });
    const b = await broker({ port });
    const rec = await recorder(b.url, 'state/#');
    expect(await conn.drain(10_000)).toBe(true);
    await rec.waitFor(() => rec.latest.size === 2, 5000, 'both topics');
    expect(rec.messages.map((m) => m.payload.toString()).sort()).toEqual([
      '{"value":"new a"}',
      '{"value":"new b"}',
    ]);
  });

  it('counts resync messages from each reconnect, and ends with every latest value', async () => {
    const b = await broker();
    const state = new Map<string, string>();
    for (let i = 0; i < 100; i++) state.set(`state/${i}`, `{"time":1,"value":${i}}`);
    const conn = connection(b.url, { limits: { maxMessagesPerSecond: 200 } });
    // What the bridge does on every connect: re-send the current state, as resync.
    conn.onConnected(() => {
      for (const [topic, payload] of state) conn.publishResync(topic, payload);
    });
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    expect(await conn.drain(5000)).toBe(true);
    expect(conn.status().resync).toEqual({ pending: 0, sent: 100 });
    await b.restart(); // empty now
    await eventually(() => conn.status().reconnects === 1, 'the reconnect');
    state.set('state/7', '{"time":2,"value":"changed"}');
    conn.publish('state/7', state.get('state/7')!);
    expect(await conn.drain(10_000)).toBe(true);
    const rec = await recorder(b.url, 'state/#');
    await rec.waitFor(() => holdsEvery(rec, state), 5000, 'every latest value');
    expect(conn.status().resync!.sent).toBeGreaterThanOrEqual(99);
  });
});
