// Test support for the Redis state source's specs: a Redis of its own per test, a simulator
// mirroring into it, and a RedisStateSource recording what it emits.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Simulator, type SimulatorOptions, startSimulator } from '@app/placeos-sim';
import { findRedisServer, freePort, startTestRedis, type TestRedis } from '@app/testing';
import {
  type RedisStateChange,
  RedisStateSource,
  type RedisStateSourceOptions,
} from '@app/placeos-client';
import { capturingLogger } from './placeos-client-kit';

export interface Harness {
  sim: Simulator;
  redis: TestRedis;
  source: RedisStateSource;
  changes: RedisStateChange[];
  /** The last change per `keyOf(module, key)`. */
  latest: Map<string, RedisStateChange>;
  lookups: string[];
  lines: Record<string, unknown>[];
}

export type HarnessOptions = {
  portfolio?: SimulatorOptions['portfolio'];
  watch?: (change: RedisStateChange) => void;
  /** Connect the source here instead of straight to the test Redis (e.g. through a proxy). */
  sourceUrl?: (redis: TestRedis) => Promise<string>;
} & Partial<
  Pick<RedisStateSourceOptions, 'chunkSize' | 'chunksInFlight' | 'onResubscribed' | 'pacer'>
>;

export const keyOf = (moduleId: string, key: string): string => `${moduleId}|${key}`;

/** Starts everything (the source not yet started); `cleanups` gets what to stop, in start order. */
export async function startHarness(
  cleanups: (() => Promise<void>)[],
  options: HarnessOptions = {},
): Promise<Harness> {
  const redis = (await startTestRedis())!;
  cleanups.push(() => redis.close());
  const sim = await startSimulator({ seed: 17, redisUrl: redis.url, portfolio: options.portfolio });
  cleanups.push(() => sim.close());
  const { logger, lines } = capturingLogger();
  const changes: RedisStateChange[] = [];
  const latest = new Map<string, RedisStateChange>();
  const lookups: string[] = [];
  const url = options.sourceUrl === undefined ? redis.url : await options.sourceUrl(redis);
  const source = new RedisStateSource({
    url,
    logger,
    emit: (change) => {
      options.watch?.(change);
      changes.push(change);
      latest.set(keyOf(change.moduleId, change.key), change);
    },
    onLookupChange: (systemId) => lookups.push(systemId),
    chunkSize: options.chunkSize,
    chunksInFlight: options.chunksInFlight,
    onResubscribed: options.onResubscribed,
    pacer: options.pacer,
    reconnect: { baseMs: 20, maxMs: 200 },
  });
  cleanups.push(() => source.stop());
  source.addModules(sim.world.moduleIds());
  return { sim, redis, source, changes, latest, lookups, lines };
}

/** Every stored key of the world, as the source should hold it. */
export function worldState(sim: Simulator): Map<string, string> {
  const all = new Map<string, string>();
  for (const id of sim.world.moduleIds())
    for (const [key, text] of sim.world.stateHash(id) ?? []) all.set(keyOf(id, key), text);
  return all;
}

/** The latest emitted text per key, deletions left out. */
export function latestTexts(latest: Map<string, RedisStateChange>): Map<string, string> {
  return new Map([...latest].filter(([, c]) => !c.deleted).map(([k, c]) => [k, c.text]));
}

/** A Sentinel (`redis-server --sentinel`) watching `masterPort` as `placeos`. */
export async function startSentinel(masterPort: number): Promise<{ port: number; stop(): void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'test-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  const lines = [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`];
  lines.push(`sentinel monitor placeos 127.0.0.1 ${masterPort} 1`);
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const child = spawn(findRedisServer()!, [conf, '--sentinel'], { stdio: 'ignore' });
  return {
    port,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
