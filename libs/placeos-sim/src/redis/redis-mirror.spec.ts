import { freePort, startTestRedis, testRedisSkipReason, type TestRedis } from '@app/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { Simulator, startSimulator } from '../simulator';
import { eventually } from '../test-support/control-probe';

interface Message {
  channel: string;
  text: string;
}

const skipReason = testRedisSkipReason();

describe.skipIf(skipReason !== undefined)('simulator Redis face (RedisMirror)', () => {
  let redis: TestRedis | undefined;
  let sim: Simulator | undefined;
  const clients: Redis[] = [];

  afterEach(async () => {
    await sim?.close();
    for (const c of clients.splice(0)) c.disconnect();
    await redis?.close();
    sim = undefined;
    redis = undefined;
  });

  /** A fresh Redis and a simulator mirroring into it, plus a subscriber already listening. */
  const setup = async (): Promise<{ sim: Simulator; db: Redis; messages: Message[] }> => {
    redis = await startTestRedis();
    const sub = new Redis(redis!.url);
    clients.push(sub);
    const messages: Message[] = [];
    sub.on('pmessage', (_p: string, channel: string, text: string) =>
      messages.push({ channel, text }),
    );
    sub.on('message', (channel: string, text: string) => messages.push({ channel, text }));
    await sub.psubscribe('status/*');
    await sub.subscribe('lookup-change');
    sim = await startSimulator({ seed: 5, redisUrl: redis!.url });
    const db = new Redis(redis!.url);
    clients.push(db);
    return { sim, db, messages };
  };

  const displayOf = (s: Simulator): { sysId: string; modId: string } => {
    const sysId = s.world.systems()[0].id as string;
    return { sysId, modId: s.world.resolveModule(sysId, 'Display', 1)! };
  };

  it('writes every status hash and every system lookup on start, without publishing', async () => {
    const { sim, db, messages } = await setup();
    const ids = sim.world.moduleIds();
    const pipeline = db.pipeline();
    for (const id of ids) pipeline.hgetall(`status/${id}`);
    const hashes = (await pipeline.exec())!.map(([, h]) => h);
    expect(hashes).toEqual(ids.map((id) => sim.world.state(id)));
    expect(Object.keys(hashes[0] as object).length).toBeGreaterThan(0);
    for (const sys of sim.world.listSystems()) {
      const lookup = await db.hgetall(`system/${sys.id}`);
      expect(lookup).toEqual(Object.fromEntries(sim.world.moduleLookup(sys.id)!));
      expect(Object.keys(lookup).length).toBe(sys.modules.length);
    }
    expect(messages).toEqual([]);
  });

  it('stores then publishes each change, literal null for a deletion, keys with / intact', async () => {
    const { sim, db, messages } = await setup();
    const { modId } = displayOf(sim);
    sim.world.setState(modId, 'input', 'hdmi');
    sim.world.setRawState(modId, 'a/b/c', '{"x": 1}');
    sim.world.deleteState(modId, 'input');
    await eventually(() => messages.length === 3, 5000, 'three publishes');
    expect(messages).toEqual([
      { channel: `status/${modId}/input`, text: '"hdmi"' },
      { channel: `status/${modId}/a/b/c`, text: '{"x": 1}' },
      { channel: `status/${modId}/input`, text: 'null' },
    ]);
    expect(await db.hexists(`status/${modId}`, 'input')).toBe(0);
    expect(await db.hget(`status/${modId}`, 'a/b/c')).toBe('{"x": 1}');
  });

  it("keeps the world's order through a burst of changes to one key", async () => {
    const { sim, db, messages } = await setup();
    const { modId } = displayOf(sim);
    for (let i = 1; i <= 5000; i++) sim.world.setState(modId, 'volume', i);
    await eventually(() => messages.length === 5000, 10_000, 'the burst');
    expect(messages.map((m) => Number(m.text))).toEqual(
      Array.from({ length: 5000 }, (_, i) => i + 1),
    );
    expect(await db.hget(`status/${modId}`, 'volume')).toBe('5000');
  });

  it('rewrites a lookup before announcing it on lookup-change', async () => {
    const { sim, db, messages } = await setup();
    const { sysId, modId } = displayOf(sim);
    const driverId = sim.world.moduleRecord(modId)!.driver_id;
    const added = sim.world.addModule(sysId, { driverId });
    await eventually(
      () => messages.some((m) => m.channel === 'lookup-change' && m.text === sysId),
      5000,
      'lookup-change after add',
    );
    expect(await db.hgetall(`status/${added}`)).toEqual(sim.world.state(added));
    expect(messages.some((m) => m.channel.startsWith(`status/${added}/`))).toBe(true);
    expect(await db.hget(`system/${sysId}`, 'Display/2')).toBe(added);

    let announced = false;
    let lookupWhenAnnounced: Record<string, string> | undefined;
    const sub = new Redis(redis!.url);
    clients.push(sub);
    sub.on('message', (_c: string, id: string) => {
      if (id !== sysId || announced) return;
      announced = true;
      void db.hgetall(`system/${sysId}`).then((l) => (lookupWhenAnnounced = l));
    });
    await sub.subscribe('lookup-change');
    const order = [...sim.world.systemRecord(sysId)!.modules].reverse();
    sim.world.reorderModules(sysId, order);
    await eventually(() => lookupWhenAnnounced !== undefined, 5000, 'lookup after re-order');
    expect(lookupWhenAnnounced).toEqual(Object.fromEntries(sim.world.moduleLookup(sysId)!));
    expect(lookupWhenAnnounced!['Display/1']).toBe(added);
    expect(lookupWhenAnnounced!['Display/2']).toBe(modId);
  });

  it('deletes the hash of a removed module and the lookup of a removed system', async () => {
    const { sim, db, messages } = await setup();
    const { sysId, modId } = displayOf(sim);
    sim.world.removeModule(modId);
    await eventually(
      () => messages.some((m) => m.channel === 'lookup-change' && m.text === sysId),
      5000,
      'lookup-change after module removal',
    );
    expect(await db.exists(`status/${modId}`)).toBe(0);
    expect(Object.values(await db.hgetall(`system/${sysId}`))).not.toContain(modId);
    messages.length = 0;
    sim.world.removeSystem(sysId);
    await eventually(() => messages.length > 0, 5000, 'lookup-change after system removal');
    expect(messages).toEqual([{ channel: 'lookup-change', text: sysId }]);
    expect(await db.exists(`system/${sysId}`)).toBe(0);
  });

  it('close() returns only once Redis holds every change made before it', async () => {
    const { sim, db } = await setup();
    const ids = sim.world.moduleIds();
    const expected = new Map<string, string>();
    for (let i = 0; i < 20_000; i++) {
      sim.world.setState(ids[i % ids.length], 'counter', i);
      expected.set(ids[i % ids.length], String(i));
    }
    await sim.close();
    const pipeline = db.pipeline();
    for (const id of ids) pipeline.hget(`status/${id}`, 'counter');
    const stored = (await pipeline.exec())!.map(([, v]) => v);
    expect(stored).toEqual(ids.map((id) => expected.get(id)));
  });

  it('refuses to start without a reachable Redis, never showing the password', async () => {
    const port = await freePort();
    const error = await startSimulator({
      redisUrl: `redis://:hunter2-secret@127.0.0.1:${port}`,
    }).then(
      async (started) => {
        await started.close();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain(`redis://127.0.0.1:${port}`);
    expect(error!.message).toContain('ECONNREFUSED');
    expect(error!.message).not.toContain('hunter2-secret');
  });
});

if (skipReason !== undefined) describe.skip(skipReason, () => undefined);
