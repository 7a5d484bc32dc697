import type { RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { SyncPacer } from '../model/sync-pacer';
import type { BackoffOptions } from '../util/backoff';

/** One status value as PlaceOS stored or published it. */
export interface RedisStateChange {
  moduleId: string;
  /** The status name, whole (it may contain `/`). */
  key: string;
  /** The JSON text exactly as the driver wrote it (not parsed); `null` for a deletion. */
  text: string;
  deleted: boolean;
  /** Unix ms when this process received it. */
  receivedAt: number;
  /** Read from the hash (first read or after a reconnect), not a live publish: maybe unchanged. */
  resync: boolean;
}

export interface RedisStateSourceOptions {
  /** `redis://`, `rediss://` (TLS) or `redis-sentinel://` (see `parseRedisUrl`); auth in the URL. */
  url: string;
  logger: Logger;
  emit: (change: RedisStateChange) => void;
  /** core announced that a system's module lookup changed: read it with `readLookup`. */
  onLookupChange?: (systemId: string) => void;
  /** Subscribed again after a reconnect: a `lookup-change` may have been missed meanwhile. */
  onResubscribed?: () => void;
  /** HGETALLs per pipeline (default 500). */
  chunkSize?: number;
  /** Pipelines outstanding at once (default 4). */
  chunksInFlight?: number;
  /** Reconnect backoff (default 200 ms .. 10 s). */
  reconnect?: BackoffOptions;
  /** Extra ioredis options, e.g. `tls: { ca }` (the URL wins where both set something). */
  redisOptions?: RedisOptions;
  /** Holds hash reads back while the consumer is behind (see SyncPacer). */
  pacer?: SyncPacer;
}

export interface RedisSourceStatus {
  /** Both connections up and the subscriptions acknowledged. */
  connected: boolean;
  /** Every module in scope read since the last (re)subscription. */
  synced: boolean;
  modules: number;
  /** Full reads started: 1 after the first connect, +1 per reconnect. */
  resyncs: number;
  lastError?: string;
}
