import { startTestRedis, testRedisSkipReason } from '@app/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { capturingLogger, waitFor } from '@test/support/placeos-client-kit';
import { RedisStateSource } from './redis-state-source';
import type { RedisStateChange } from './redis-state-types';
import {
  keyOf,
  latestTexts,
  startHarness,
  startSentinel,
  worldState,
} from '@test/support/redis-source-harness';

const skipReason = testRedisSkipReason();

describe.skipIf(skipReason !== undefined)('RedisStateSource: connections', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('re-subscribes and re-reads every hash after redis-server is killed and restarted', async () => {
    let resubscribed = 0;
    const h = await startHarness(cleanups, { onResubscribed: () => (resubscribed += 1) });
    await h.source.start();
    expect(await h.source.whenSynced(10_000)).toBe(true);
    const mod = h.sim.world.moduleIds()[3];
    // Saved first, like a Redis with persistence: the restarted server has the data again.
    await h.redis.kill({ keepData: true });
    await waitFor(() => !h.source.status().connected, 'the source to notice');
    const afterKill = h.changes.length;
    h.sim.world.setState(mod, 'power', 'changed while Redis was down');
    await h.redis.start();
    await waitFor(
      () => h.source.status().resyncs === 2 && h.source.status().synced,
      'the resync after restart',
    );
    expect(resubscribed).toBe(1);
    await waitFor(
      () => h.latest.get(keyOf(mod, 'power'))?.text === '"changed while Redis was down"',
      'the change made while down',
    );
    // Every key was read again, except one whose newer live value came in during its read.
    const after = h.changes.slice(afterKill);
    const reread = after.filter((c) => c.resync).map((c) => keyOf(c.moduleId, c.key));
    const live = after.filter((c) => !c.resync).map((c) => keyOf(c.moduleId, c.key));
    expect(new Set(live).size).toBeLessThanOrEqual(1);
    expect(live.every((k) => k === keyOf(mod, 'power'))).toBe(true);
    expect(new Set([...reread, ...live]).size).toBe(h.sim.world.stats().keys);
    expect(reread.length).toBeGreaterThanOrEqual(h.sim.world.stats().keys - 1);
    expect(latestTexts(h.latest)).toEqual(worldState(h.sim));
    expect(h.source.status().connected).toBe(true);
  });

  it('finds the master through Sentinel (redis-sentinel://)', async () => {
    const h = await startHarness(cleanups);
    const sentinel = await startSentinel(h.redis.port);
    cleanups.push(() => Promise.resolve(sentinel.stop()));
    const changes: RedisStateChange[] = [];
    const source = new RedisStateSource({
      url: `redis-sentinel://127.0.0.1:${sentinel.port}/placeos`,
      logger: capturingLogger().logger,
      emit: (change) => changes.push(change),
      reconnect: { baseMs: 20, maxMs: 200 },
    });
    cleanups.push(() => source.stop());
    source.addModules(h.sim.world.moduleIds());
    await source.start();
    expect(await source.whenSynced(15_000)).toBe(true);
    expect(changes).toHaveLength(h.sim.world.stats().keys);
    h.sim.world.setState(h.sim.world.moduleIds()[0], 'power', 'via sentinel');
    await waitFor(
      () => changes.some((c) => !c.resync && c.text === '"via sentinel"'),
      'a live change through the master Sentinel named',
    );
  });

  it('reports a wrong password clearly, without the password', async () => {
    const redis = (await startTestRedis({ password: 'correct-horse-battery' }))!;
    cleanups.push(() => redis.close());
    const { logger, lines } = capturingLogger();
    const source = new RedisStateSource({
      url: `redis://:wrong-pass-4711@127.0.0.1:${redis.port}`,
      logger,
      emit: () => undefined,
      reconnect: { baseMs: 50, maxMs: 200 },
    });
    cleanups.push(() => source.stop());
    await source.start();
    const error = await waitFor(() => source.status().lastError, 'an error');
    expect(error).toContain('authentication failed');
    expect(error).toContain(`redis://:***@127.0.0.1:${redis.port}`);
    expect(error).not.toContain('wrong-pass-4711');
    expect(source.status().connected).toBe(false);
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toContain('wrong-pass-4711');
    expect(source.redactedUrl).not.toContain('wrong-pass-4711');
  });
});

if (skipReason !== undefined) describe.skip(skipReason, () => undefined);
