import { type Redis, ReplyError } from 'ioredis';
import type { SyncPacer } from '../model/sync-pacer';
import { PacerGate } from '../util/pacer-gate';
import type { RedisStateChange } from './redis-state-types';

/** A pipeline of HGETALLs; `touched` holds keys that got a live value while it was outstanding. */
interface ReadChunk {
  readonly generation: number;
  readonly ids: string[];
  touched?: Map<string, Set<string>>;
}

export interface HashReaderOptions {
  /** HGETALLs per pipeline. */
  chunkSize: number;
  /** Pipelines outstanding at once. */
  chunksInFlight: number;
  /** Modules dropped from scope meanwhile are neither read nor emitted. */
  inScope: (moduleId: string) => boolean;
  emit: (change: RedisStateChange) => void;
  onError: (error: unknown) => void;
  /** Every queued module has been read. */
  onIdle: () => void;
  /** Holds reads back while the consumer is behind (see SyncPacer). */
  pacer?: SyncPacer;
}

/**
 * Reads `status/<module>` hashes in pipelined chunks, a few chunks at a time. A key that got a live
 * value while its module's HGETALL was outstanding keeps that value: the HGETALL may have run before
 * the change, and its reply may still arrive after the live message (two connections).
 */
export class HashReader {
  private readonly inFlight = new Map<string, ReadChunk>();
  private client: Redis | undefined;
  private queue: string[] = [];
  private head = 0;
  /** Chunks outstanding, of any generation (they all occupy the connection). */
  private outstanding = 0;
  /** Chunks outstanding of the current generation. */
  private current = 0;
  private generation = 0;
  private readonly gate: PacerGate;

  constructor(private readonly options: HashReaderOptions) {
    this.gate = new PacerGate(options.pacer, () => this.pump());
  }

  /** Nothing queued or outstanding in the current generation. */
  get idle(): boolean {
    return this.current === 0 && this.head >= this.queue.length;
  }

  /** Forgets queued reads and ignores outstanding replies; reads from `client` from now on. */
  reset(client: Redis | undefined): void {
    this.generation += 1;
    this.queue = [];
    this.head = 0;
    this.current = 0;
    this.client = client;
  }

  /** Queues modules to read. */
  read(ids: Iterable<string>): void {
    for (const id of ids) this.queue.push(id);
    this.pump();
  }

  /** A live value arrived for this key. */
  touch(moduleId: string, key: string): void {
    if (this.inFlight.size === 0) return;
    const chunk = this.inFlight.get(moduleId);
    if (chunk === undefined) return;
    chunk.touched ??= new Map();
    let keys = chunk.touched.get(moduleId);
    if (keys === undefined) chunk.touched.set(moduleId, (keys = new Set()));
    keys.add(key);
  }

  private pump(): void {
    const client = this.client;
    if (client === undefined || this.gate.waiting) return;
    while (this.outstanding < this.options.chunksInFlight && this.head < this.queue.length) {
      if (!this.gate.admits()) return;
      const ids: string[] = [];
      while (ids.length < this.options.chunkSize && this.head < this.queue.length) {
        const id = this.queue[this.head++];
        if (this.options.inScope(id)) ids.push(id);
      }
      if (ids.length === 0) break;
      const chunk: ReadChunk = { generation: this.generation, ids };
      const pipeline = client.pipeline();
      for (const id of ids) {
        pipeline.hgetall(`status/${id}`);
        this.inFlight.set(id, chunk);
      }
      this.outstanding += 1;
      this.current += 1;
      pipeline.exec().then(
        (results) => this.onChunk(chunk, results ?? []),
        (error: unknown) => this.onChunk(chunk, [], error),
      );
    }
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
      if (this.current === 0) this.options.onIdle();
    }
  }

  private onChunk(chunk: ReadChunk, results: [Error | null, unknown][], failure?: unknown): void {
    this.outstanding -= 1;
    for (const id of chunk.ids) if (this.inFlight.get(id) === chunk) this.inFlight.delete(id);
    if (chunk.generation !== this.generation) {
      this.pump();
      return;
    }
    this.current -= 1;
    if (failure !== undefined) {
      this.options.onError(failure);
      this.queue.push(...chunk.ids);
    }
    const receivedAt = Date.now();
    for (let i = 0; i < results.length; i++) {
      const [error, hash] = results[i];
      const moduleId = chunk.ids[i];
      if (error !== null) {
        this.options.onError(error);
        // A reply error (e.g. WRONGTYPE) would fail again; a dropped connection will not.
        if (!(error instanceof ReplyError)) this.queue.push(moduleId);
        continue;
      }
      if (!this.options.inScope(moduleId)) continue;
      const touched = chunk.touched?.get(moduleId);
      const fields = hash as Record<string, string>;
      for (const key in fields) {
        if (touched?.has(key) === true) continue;
        this.options.emit({
          moduleId,
          key,
          text: fields[key],
          deleted: false,
          receivedAt,
          resync: true,
        });
      }
    }
    this.pump();
  }
}
