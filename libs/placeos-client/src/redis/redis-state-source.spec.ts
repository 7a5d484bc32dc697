import { testRedisSkipReason } from '@app/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@test/support/placeos-client-kit';
import { type ReplyHoldProxy, startReplyHoldProxy } from '@test/support/reply-hold-proxy';
import { keyOf, latestTexts, startHarness, worldState } from '@test/support/redis-source-harness';
import { CoalescingQueue } from '../queue/coalescing-queue';
import { QueuePacer } from '../queue/queue-pacer';

const skipReason = testRedisSkipReason();

describe.skipIf(skipReason !== undefined)('RedisStateSource: reading PlaceOS state', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reads every initial value, as stored', async () => {
    const h = await startHarness(cleanups);
    const sysId = h.sim.world.systems()[0].id as string;
    const displayId = h.sim.world.resolveModule(sysId, 'Display', 1)!;
    h.sim.world.setRawState(displayId, 'odd', '{"a":  1}');
    await h.source.start();
    expect(await h.source.whenSynced(10_000)).toBe(true);
    const expected = worldState(h.sim);
    expect(expected.size).toBe(h.sim.world.stats().keys);
    expect(latestTexts(h.latest)).toEqual(expected);
    expect(h.changes).toHaveLength(expected.size);
    expect(h.changes.every((c) => c.resync && !c.deleted)).toBe(true);
    expect(h.latest.get(keyOf(displayId, 'odd'))!.text).toBe('{"a":  1}');
    expect(h.source.status()).toMatchObject({ connected: true, synced: true, resyncs: 1 });
  });

  it('delivers live changes and deletions as raw text, keys with / whole, other modules ignored', async () => {
    const h = await startHarness(cleanups);
    await h.source.start();
    expect(await h.source.whenSynced(10_000)).toBe(true);
    const [mod, other] = h.sim.world.moduleIds();
    h.source.removeModules([other]);
    const start = h.changes.length;
    h.sim.world.setState(other, 'power', true);
    h.sim.world.setState(mod, 'power', false);
    h.sim.world.setRawState(mod, 'a/b/c', 'not json');
    h.sim.world.deleteState(mod, 'power');
    await waitFor(() => h.changes.length >= start + 3, 'three live changes');
    const live = h.changes.slice(start);
    expect(
      live.map(({ moduleId, key, text, deleted, resync }) => ({
        moduleId,
        key,
        text,
        deleted,
        resync,
      })),
    ).toEqual([
      { moduleId: mod, key: 'power', text: 'false', deleted: false, resync: false },
      { moduleId: mod, key: 'a/b/c', text: 'not json', deleted: false, resync: false },
      { moduleId: mod, key: 'power', text: 'null', deleted: true, resync: false },
    ]);
    expect(live.every((c) => c.receivedAt > 0)).toBe(true);
  });

  it('keeps a live value that arrives between an HGETALL and its reply', async () => {
    // The proxy holds the command connection's replies from the HGETALL of `last` on, until that
    // reply (with the old value) is in: Redis ran the read before the change, and the change's
    // live message then reaches the source before the read's reply does.
    let proxy: ReplyHoldProxy | undefined;
    const h = await startHarness(cleanups, {
      sourceUrl: async (redis) => {
        proxy = await startReplyHoldProxy(redis.port);
        cleanups.push(() => proxy!.close());
        return `redis://127.0.0.1:${proxy.port}`;
      },
    });
    const ids = h.sim.world.moduleIds();
    const last = ids[ids.length - 1];
    h.sim.world.setState(last, 'race-probe', 'old-7f3a');
    const db = new Redis(h.redis.url);
    cleanups.push(() => Promise.resolve(db.disconnect()));
    while ((await db.hget(`status/${last}`, 'race-probe')) !== '"old-7f3a"')
      await new Promise((resolve) => setImmediate(resolve));
    const held = proxy!.holdAfter(`status/${last}\r\n`, 'old-7f3a');
    await h.source.start();
    await held;
    h.sim.world.setState(last, 'race-probe', 'new');
    await waitFor(
      () => h.latest.get(keyOf(last, 'race-probe'))?.text === '"new"',
      'the live value',
    );
    proxy!.release();
    expect(await h.source.whenSynced(10_000)).toBe(true);
    const probe = h.changes.filter((c) => c.moduleId === last && c.key === 'race-probe');
    expect(probe.map((c) => [c.text, c.resync])).toEqual([['"new"', false]]);
    expect(latestTexts(h.latest)).toEqual(worldState(h.sim));
  });

  it('never lets a hash read overwrite a newer live value, with many modules changing', async () => {
    let last = '';
    let maxLive = -1;
    let liveWhileReading = 0;
    const regressions: number[] = [];
    const running: { synced: () => boolean } = { synced: () => false };
    const h = await startHarness(cleanups, {
      portfolio: { buildingsPerRegion: 8, levelsPerBuilding: 5, roomsPerLevel: 10 },
      chunkSize: 100,
      chunksInFlight: 2,
      watch: (c) => {
        if (c.moduleId !== last || c.key !== 'counter') return;
        const n = Number(c.text);
        if (!c.resync) {
          maxLive = Math.max(maxLive, n);
          if (!running.synced()) liveWhileReading += 1;
        } else if (n < maxLive) regressions.push(n);
      },
    });
    running.synced = () => h.source.status().synced;
    const ids = h.sim.world.moduleIds();
    expect(ids.length).toBeGreaterThan(1500);
    last = ids[ids.length - 1];
    let counter = 0;
    await h.source.start();
    // Change the module read last, continuously, until the initial read is over.
    while (!h.source.status().synced) {
      h.sim.world.setState(last, 'counter', ++counter);
      await new Promise((resolve) => setImmediate(resolve));
    }
    h.sim.world.setState(ids[0], 'sentinel', 'done');
    await waitFor(() => h.latest.get(keyOf(ids[0], 'sentinel'))?.text === '"done"', 'the sentinel');
    const db = new Redis(h.redis.url);
    const stored = await db.hget(`status/${last}`, 'counter');
    db.disconnect();
    expect(stored).toBe(String(counter));
    expect(h.latest.get(keyOf(last, 'counter'))!.text).toBe(String(counter));
    // The race was really run: live values came in while hashes were still being read.
    expect(liveWhileReading).toBeGreaterThan(0);
    expect(regressions).toEqual([]);
    expect(latestTexts(h.latest)).toEqual(worldState(h.sim));
  });

  it('reads no further ahead than a slow consumer takes, paced by the queue it fills', async () => {
    const queue = new CoalescingQueue<string>();
    const limits = { high: 100, low: 20 };
    let largest = 0;
    const h = await startHarness(cleanups, {
      portfolio: { buildingsPerRegion: 2, levelsPerBuilding: 5, roomsPerLevel: 10 },
      chunkSize: 10,
      chunksInFlight: 2,
      pacer: new QueuePacer(queue, undefined, limits),
      watch: (c) => {
        queue.push(keyOf(c.moduleId, c.key), c.text);
        largest = Math.max(largest, queue.size);
      },
    });
    const expected = worldState(h.sim);
    const keysPerModule = Math.max(
      ...h.sim.world.moduleIds().map((id) => h.sim.world.stateHash(id)?.size ?? 0),
    );
    // Whatever was asked for before the pacer said stop: two chunks of ten modules.
    const bound = limits.high + 2 * 10 * keysPerModule;
    expect(expected.size).toBeGreaterThan(3 * bound);
    await h.source.start();
    const taken = new Map<string, string>();
    while (!h.source.status().synced || queue.size > 0) {
      const batch = queue.tryTakeBatch(10);
      batch?.keys.forEach((key, i) => taken.set(key, batch.values[i]));
      batch?.done();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(taken).toEqual(expected);
    expect(largest).toBeGreaterThanOrEqual(limits.high);
    expect(largest).toBeLessThanOrEqual(bound);
  });

  it('reports lookup-change after a re-order, and readLookup returns the new mapping', async () => {
    const h = await startHarness(cleanups);
    await h.source.start();
    expect(await h.source.whenSynced(10_000)).toBe(true);
    const sysId = h.sim.world.systems()[0].id as string;
    const display = h.sim.world.resolveModule(sysId, 'Display', 1)!;
    const driverId = h.sim.world.moduleRecord(display)!.driver_id;
    const second = h.sim.world.addModule(sysId, { driverId });
    await waitFor(() => h.lookups.includes(sysId), 'lookup-change after the add');
    expect((await h.source.readLookup(sysId)).get('Display/2')).toBe(second);
    h.lookups.length = 0;
    h.sim.world.reorderModules(sysId, [...h.sim.world.systemRecord(sysId)!.modules].reverse());
    await waitFor(() => h.lookups.includes(sysId), 'lookup-change after the re-order');
    const lookup = await h.source.readLookup(sysId);
    expect(lookup).toEqual(new Map(h.sim.world.moduleLookup(sysId)));
    expect(lookup.get('Display/1')).toBe(second);
    expect(lookup.get('Display/2')).toBe(display);
  });
});

if (skipReason !== undefined) describe.skip(skipReason, () => undefined);
