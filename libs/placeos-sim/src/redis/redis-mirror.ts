import { urlWithoutCredentials } from '@app/redaction';
import { type ChainableCommander, Redis } from 'ioredis';
import type { SimWorld } from '../world/sim-world';
import type { WorldListener } from '../world/world-listener';

/** Modules (or systems) per pipeline when the whole world is written on start. */
const SNAPSHOT_CHUNK = 500;
/** `close()` gives up waiting for an unreachable Redis after this long. */
const CLOSE_TIMEOUT_MS = 5_000;

/** `status/<module id>`: PlaceOS driver `RedisStorage` (placeos-api.md §5). */
export function statusKey(moduleId: string): string {
  return `status/${moduleId}`;
}

/** `system/<system id>`: core's module lookup. */
export function systemKey(systemId: string): string {
  return `system/${systemId}`;
}

/** The channel core announces lookup rewrites on (payload: the system id). */
export const LOOKUP_CHANGE = 'lookup-change';

/**
 * The simulator's Redis face: writes the world into Redis the way PlaceOS does, so a client can
 * ingest from Redis exactly as in a cluster. State changes are HSET (HDEL for a deletion) then
 * PUBLISH `status/<mod>/<key>`; lookup rewrites are DEL + HSET of `system/<sys>` in a MULTI, then
 * PUBLISH `lookup-change`.
 *
 * Everything goes through one connection in the order the world made it. Changes of one tick are
 * batched into one pipeline (a burst of thousands of changes is a few socket writes, not thousands)
 * and nothing is awaited per change; `close()` waits until Redis has answered all of it.
 */
export class RedisMirror implements WorldListener {
  private readonly redis: Redis;
  private batch: ChainableCommander | undefined;
  private unsubscribe: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  private failures = 0;
  private lastFailure: string | undefined;

  constructor(
    private readonly world: SimWorld,
    private readonly url: string,
  ) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      // A command issued while Redis is away waits for the reconnect: dropping it would leave
      // Redis behind the world for good.
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 2_000),
    });
    this.redis.on('error', (error: Error) => this.fail(error));
  }

  /** Writes failed so far and the last failure (for tests and logs). */
  get errors(): { count: number; last?: string } {
    return { count: this.failures, last: this.lastFailure };
  }

  /** Connects, writes every status hash and system lookup, then follows the world. */
  async start(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (error) {
      this.redis.disconnect();
      // The socket error (e.g. ECONNREFUSED) came as an 'error' event; the rejection only says "closed".
      const reason = this.lastFailure ?? (error instanceof Error ? error.message : String(error));
      throw new Error(`simulator Redis ${urlWithoutCredentials(this.url)}: ${reason}`, {
        cause: error,
      });
    }
    // Snapshot and listener are set up in one synchronous step, so no change can fall between
    // them; the pipelines are written in order, before any later change.
    const written: Promise<[Error | null, unknown][] | null>[] = [];
    const moduleIds = this.world.moduleIds();
    for (let at = 0; at < moduleIds.length; at += SNAPSHOT_CHUNK) {
      const pipeline = this.redis.pipeline();
      for (const id of moduleIds.slice(at, at + SNAPSHOT_CHUNK)) {
        const hash = this.world.stateHash(id);
        pipeline.del(statusKey(id));
        if (hash !== undefined && hash.size > 0) pipeline.hset(statusKey(id), hash);
      }
      written.push(pipeline.exec());
    }
    const systems = this.world.listSystems();
    for (let at = 0; at < systems.length; at += SNAPSHOT_CHUNK) {
      const pipeline = this.redis.pipeline();
      for (const sys of systems.slice(at, at + SNAPSHOT_CHUNK)) {
        const lookup = this.world.moduleLookup(sys.id);
        pipeline.del(systemKey(sys.id));
        if (lookup !== undefined && lookup.size > 0) pipeline.hset(systemKey(sys.id), lookup);
      }
      written.push(pipeline.exec());
    }
    this.unsubscribe = this.world.addListener(this);
    for (const results of await Promise.all(written)) {
      const failed = results?.find(([error]) => error !== null);
      if (failed?.[0]) throw new Error(`simulator Redis snapshot failed: ${failed[0].message}`);
    }
  }

  stateChanged(moduleId: string, key: string, text: string | null): void {
    const pipeline = this.pipeline();
    if (text === null) pipeline.hdel(statusKey(moduleId), key);
    else pipeline.hset(statusKey(moduleId), key, text);
    pipeline.publish(`status/${moduleId}/${key}`, text ?? 'null');
  }

  lookupChanged(systemId: string): void {
    // The MULTI is sent on its own, so flush what came before it to keep the order.
    this.flush();
    const lookup = this.world.moduleLookup(systemId);
    const multi = this.redis.multi().del(systemKey(systemId));
    if (lookup !== undefined && lookup.size > 0) multi.hset(systemKey(systemId), lookup);
    this.track(multi.exec());
    this.pipeline().publish(LOOKUP_CHANGE, systemId);
  }

  /** A new module's driver writes its initial statuses, each announced like any change. */
  moduleAdded(moduleId: string): void {
    const hash = this.world.stateHash(moduleId);
    if (hash === undefined) return;
    for (const [key, text] of hash) this.stateChanged(moduleId, key, text);
  }

  moduleRemoved(moduleId: string): void {
    this.pipeline().del(statusKey(moduleId));
  }

  /** Stops following the world and waits until Redis has answered everything written. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unsubscribe?.();
      this.flush();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      });
      // QUIT is answered after every earlier command, so its reply means all of them arrived.
      await Promise.race([this.redis.quit().catch(() => undefined), gaveUp]);
      clearTimeout(timer);
      this.redis.disconnect();
    })();
    return this.closing;
  }

  private pipeline(): ChainableCommander {
    if (this.batch === undefined) {
      this.batch = this.redis.pipeline();
      process.nextTick(() => this.flush());
    }
    return this.batch;
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = undefined;
    if (batch !== undefined) this.track(batch.exec());
  }

  private track(done: Promise<[Error | null, unknown][] | null>): void {
    done.then(
      (results) => {
        for (const [error] of results ?? []) if (error !== null) this.fail(error);
      },
      (error: unknown) => this.fail(error),
    );
  }

  private fail(error: unknown): void {
    this.failures += 1;
    this.lastFailure = error instanceof Error ? error.message : String(error);
  }
}
