import { ArrivalLog, freePort, TcpProxy } from '@app/testing';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { eventually } from './test-support/broker-config';
import { brokerFixture, holdsEvery } from './test-support/broker-fixture';

const STATUS = 'placeos/_bridge/replica-0/status';

describe('BrokerConnection against a real broker', () => {
  const { cleanups, broker, recorder, arrivalLog, connection } = brokerFixture();

  /** A broker behind a TCP proxy (to cut), and a connection through the proxy, connected. */
  async function connectedThroughProxy() {
    const b = await broker();
    const proxy = await TcpProxy.start(b.port);
    cleanups.push(() => proxy.stop());
    const conn = connection(proxy.url);
    await conn.start();
    await conn.whenConnected(5000);
    return { b, proxy, conn };
  }

  it('publishes the payload bytes exactly, retained, at QoS 1, with a JSON content type', async () => {
    const b = await broker();
    // Aedes (the fallback test broker) speaks only MQTT 3.1.1, which has no properties.
    const v5 = b.kind === 'mosquitto';
    const live = await mqtt.connectAsync(b.url, { protocolVersion: v5 ? 5 : 4 });
    cleanups.push(() => live.endAsync(true));
    const seen: mqtt.IPublishPacket[] = [];
    live.on('message', (_topic, _payload, packet) => seen.push(packet));
    await live.subscribeAsync('state/#', { qos: 1 });

    const conn = connection(b.url);
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    const payload = '{"time":1,"value":{"options":1}}';
    expect(conn.publish('state/a', payload)).toBe('queued');
    expect(await conn.drain(5000)).toBe(true);

    await eventually(() => seen.length === 1, 'the live message');
    expect(Buffer.from(seen[0].payload).equals(Buffer.from(payload))).toBe(true);
    expect(seen[0].qos).toBe(1);
    if (v5) {
      expect(seen[0].properties?.contentType).toBe('application/json');
      expect(seen[0].properties?.userProperties).toBeUndefined();
    }

    const late = await recorder(b.url, 'state/#');
    const message = await late.waitFor(() => late.messages.find((m) => m.topic === 'state/a'));
    expect(message.payload.toString('utf8')).toBe(payload);
    expect(message.retain).toBe(true);
    expect(conn.status()).toMatchObject({
      connected: true,
      published: 1,
      queued: 0,
      inFlight: 0,
      protocolVersion: v5 ? 5 : 4,
    });
  });

  it('clear removes the retained message', async () => {
    const b = await broker();
    const conn = connection(b.url);
    await conn.start();
    conn.publish('state/gone', '{"time":1,"value":1}');
    conn.publish('state/kept', '{"time":1,"value":2}');
    expect(await conn.drain(5000)).toBe(true);
    expect(conn.clear('state/gone')).toBe('queued');
    expect(await conn.drain(5000)).toBe(true);

    const late = await recorder(b.url, 'state/#');
    await late.waitFor(() => late.latest.has('state/kept'));
    // The broker sends all retained messages for a subscription together, so by now any
    // retained copy of state/gone would have arrived too.
    expect(late.messages.map((m) => m.topic)).toEqual(['state/kept']);
  });

  it('sends a retained birth on connect and again after a broker restart; close leaves offline', async () => {
    const b = await broker();
    const conn = connection(b.url);
    const connects: boolean[] = [];
    conn.onConnected(({ reconnect }) => connects.push(reconnect));
    await conn.start();
    await conn.whenConnected(5000);

    const watcher = await recorder(b.url, STATUS);
    await watcher.waitFor(() => watcher.latest.get(STATUS)?.toString() === 'online');
    expect(watcher.messages[0].retain).toBe(true);

    await b.restart(); // loses every retained message
    watcher.clear();
    await watcher.waitFor(
      () => watcher.messages.some((m) => m.payload.toString() === 'online'),
      10_000,
      'birth after restart',
    );
    await eventually(() => connects.length === 2, 'the reconnect listener');
    expect(connects).toEqual([false, true]);
    expect(conn.status().reconnects).toBe(1);

    await conn.close(2000);
    expect(conn.status().connected).toBe(false);
    const late = await recorder(b.url, STATUS);
    await late.waitFor(() => late.latest.get(STATUS)?.toString() === 'offline');
    expect(conn.publish('state/x', '1')).toEqual({ refused: 'closed' });
    expect(conn.status().refusedByReason).toEqual({ closed: 1 });
  });

  it('leaves the Last Will offline when its socket dies, then comes back online', async () => {
    const { b, proxy } = await connectedThroughProxy();
    const watcher = await recorder(b.url, STATUS);
    await watcher.waitFor(() => watcher.latest.get(STATUS)?.toString() === 'online');

    proxy.cut();
    await watcher.waitFor(
      () => watcher.messages.some((m) => m.payload.toString() === 'offline'),
      10_000,
      'the Last Will',
    );
    const willIndex = watcher.messages.findIndex((m) => m.payload.toString() === 'offline');
    await watcher.waitFor(
      () => watcher.messages.slice(willIndex + 1).some((m) => m.payload.toString() === 'online'),
      10_000,
      'the birth after reconnecting',
    );
  });

  it('queues the latest value per topic while the broker is down and delivers only those', async () => {
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const conn = connection(url);
    await conn.start(); // returns although nothing listens yet
    expect(conn.status().connected).toBe(false);

    const latest = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 50; i++) {
        if (round === 2 && i % 2 === 1) continue;
        const payload = `{"time":${round},"value":${i}}`;
        expect(conn.publish(`state/${i}`, payload)).toBe('queued');
        latest.set(`state/${i}`, payload);
      }
    }
    expect(conn.status().queued).toBe(50);
    await eventually(() => conn.status().lastError !== undefined, 'a connection error');
    expect(conn.status().lastError).toMatch(/ECONNREFUSED/);

    const b = await broker({ port });
    const rec = await recorder(b.url, 'state/#');
    expect(await conn.whenConnected(10_000)).toBe(true);
    expect(await conn.drain(10_000)).toBe(true);
    await rec.waitFor(() => rec.latest.size === 50, 10_000, 'all 50 topics');
    for (const [topic, payload] of latest) expect(rec.latest.get(topic)?.toString()).toBe(payload);
    // Superseded values never left the outbox, so none can arrive after the latest.
    for (const message of rec.messages) {
      expect(message.payload.toString()).toBe(latest.get(message.topic));
    }
  });

  it('reports its backlog and calls a backlog listener once it has drained that far', async () => {
    const port = await freePort();
    const conn = connection(`mqtt://127.0.0.1:${port}`);
    await conn.start();
    for (let i = 0; i < 300; i++) conn.publish(`backlog/${i}`, `{"time":0,"value":${i}}`);
    expect(conn.backlog).toBe(300);
    expect(conn.online).toBe(false);
    const reached: number[] = [];
    conn.whenBacklogAtMost(100, () => reached.push(conn.backlog));
    const forgotten = conn.whenBacklogAtMost(100, () => reached.push(-1));
    forgotten();
    // Already at the mark: called at once.
    conn.whenBacklogAtMost(300, () => reached.push(300));
    expect(reached).toEqual([300]);
    await broker({ port });
    expect(await conn.drain(10_000)).toBe(true);
    expect(conn.online).toBe(true);
    expect(reached).toHaveLength(2);
    expect(reached[1]).toBeLessThanOrEqual(100);
    expect(conn.backlog).toBe(0);
  });

  it('ends with every topic at its latest value when the broker restarts mid-stream', async () => {
    const b = await broker();
    const conn = connection(b.url);
    const state = new Map<string, string>();
    // What the pipeline does: re-publish the current state after every reconnect.
    conn.onConnected(({ reconnect }) => {
      if (reconnect) for (const [topic, payload] of state) conn.publish(topic, payload);
    });
    await conn.start();
    await conn.whenConnected(5000);

    let counter = 0;
    const publishSome = () => {
      for (let i = 0; i < 20; i++) {
        const topic = `state/${counter % 40}`;
        const payload = `{"time":${counter},"value":${counter}}`;
        counter++;
        state.set(topic, payload);
        conn.publish(topic, payload);
      }
    };
    const ticker = setInterval(publishSome, 5);
    try {
      await eventually(() => conn.status().published > 200, 'some traffic');
      await b.restart();
      await eventually(() => conn.status().reconnects === 1, 'the reconnect');
      const before = conn.status().published;
      await eventually(() => conn.status().published > before + 200, 'traffic after reconnect');
    } finally {
      clearInterval(ticker);
    }
    expect(await conn.drain(10_000)).toBe(true);
    const rec = await recorder(b.url, 'state/#');
    await rec.waitFor(() => holdsEvery(rec, state), 10_000, 'the latest value of every topic');
    expect(rec.latest.size).toBe(40);
  });

  it('re-sends messages that were in flight when the connection dropped', async () => {
    const { b, proxy, conn } = await connectedThroughProxy();
    const n = 3000;
    for (let i = 0; i < n; i++) conn.publish(`state/${i}`, `{"time":1,"value":${i}}`);
    // Cut as soon as the pump has messages in flight; no onConnected re-publication here.
    await eventually(() => conn.status().queued < n, 'the pump to start');
    proxy.cut();
    expect(await conn.whenConnected(10_000)).toBe(true);
    expect(await conn.drain(10_000)).toBe(true);
    const rec = await recorder(b.url, 'state/#');
    await rec.waitFor(() => rec.latest.size === n, 10_000, `all ${n} retained topics`);
    expect(conn.status().reconnects).toBe(1);
  });

  it('never publishes more than the rate limit within any sliding second, even after a burst', async () => {
    const b = await broker();
    const arrivals = await arrivalLog(b, 'state/#');
    const conn = connection(b.url, { limits: { maxMessagesPerSecond: 40 } });
    await conn.start();
    await conn.whenConnected(5000);
    // A full second's worth at once, then more as soon as it is out: a token bucket refilled
    // after the burst let 80 through in the first second.
    for (let i = 0; i < 40; i++) conn.publish(`state/${i}`, '{}');
    expect(await conn.drain(5000)).toBe(true);
    for (let i = 40; i < 100; i++) conn.publish(`state/${i}`, '{}');
    expect(await conn.drain(10_000)).toBe(true);
    await arrivals.waitFor(() => arrivals.messages().length === 100, 5000, 'all 100 at the broker');
    expect(ArrivalLog.maxInWindow(arrivals.messages(), 1000)).toBeLessThanOrEqual(40);
    expect(conn.status().published).toBe(100);
  });

  it('refuses new topics when the outbox is full but keeps updating waiting ones', async () => {
    const port = await freePort();
    const conn = connection(`mqtt://127.0.0.1:${port}`, { outboxMaxTopics: 5 });
    await conn.start();
    for (let i = 0; i < 5; i++) expect(conn.publish(`state/${i}`, `v1-${i}`)).toBe('queued');
    // Worth sending again once the outbox has room (the pipeline catches the broker up).
    expect(conn.publish('state/5', 'v1-5')).toEqual({
      refused: expect.stringMatching(/outbox full/),
      later: true,
    });
    expect(conn.publish('state/2', 'v2-2')).toBe('queued');
    expect(conn.clear('state/4')).toBe('queued');
    expect(conn.status()).toMatchObject({
      queued: 5,
      refused: 1,
      refusedByReason: { outbox_full: 1 },
    });

    const b = await broker({ port });
    const rec = await recorder(b.url, 'state/#');
    expect(await conn.drain(10_000)).toBe(true);
    await rec.waitFor(() => rec.latest.size === 4, 10_000, 'four retained topics');
    expect(rec.topics()).toEqual(['state/0', 'state/1', 'state/2', 'state/3']);
    expect(rec.latest.get('state/2')?.toString()).toBe('v2-2');
  });

  it('applies AWS IoT Core limits: refuses long topics and payloads, clamps QoS 2 to 1', async () => {
    const b = await broker();
    const sub = await mqtt.connectAsync(b.url);
    cleanups.push(() => sub.endAsync(true));
    const seen: mqtt.IPublishPacket[] = [];
    sub.on('message', (_topic, _payload, packet) => seen.push(packet));
    await sub.subscribeAsync('a/#', { qos: 2 });

    const conn = connection(b.url, { profile: 'aws-iot-core', qos: 2 });
    expect(conn.qos).toBe(1);
    expect(conn.limits).toMatchObject({ maxTopicLevels: 8, maxPayloadBytes: 131072, maxQos: 1 });
    await conn.start();
    await conn.whenConnected(5000);

    const eightSlashes = 'a/b/c/d/e/f/g/h/i';
    expect(conn.publish(eightSlashes, '{}')).toEqual({
      refused: 'topic has 9 levels, broker allows 8',
    });
    expect(conn.publish('a/b', Buffer.alloc(128 * 1024 + 1, 0x20))).toEqual({
      refused: 'payload is 131073 bytes, broker allows 131072',
    });
    expect(conn.publish(`a/${'x'.repeat(300)}`, '{}')).toEqual({
      refused: 'topic is 302 bytes, broker allows 256',
    });
    expect(conn.publish('a/b/c/d/e/f/g/h', '{"ok":true}')).toBe('queued');
    expect(conn.publish('a/big', Buffer.alloc(128 * 1024, 0x20))).toBe('queued');
    expect(await conn.drain(5000)).toBe(true);
    await eventually(() => seen.length === 2, 'the two accepted messages');
    expect(seen.map((p) => p.topic).sort()).toEqual(['a/b/c/d/e/f/g/h', 'a/big']);
    expect(seen.every((p) => p.qos === 1)).toBe(true);
    expect(conn.status()).toMatchObject({
      refused: 3,
      refusedByReason: { topic_levels: 1, topic_bytes: 1, payload_too_large: 1 },
    });
  });
});
