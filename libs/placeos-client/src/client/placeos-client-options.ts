import type { Logger } from 'pino';
import type { OAuthOptions } from '../auth/credentials';
import type { SyncPacer } from '../model/sync-pacer';

/** How to reach PlaceOS, what to watch, and how hard to push. */
export interface PlaceOsClientOptions {
  /** Base URL of PlaceOS, e.g. `https://placeos.example.com`. */
  url: string;
  apiKey?: string;
  oauth?: OAuthOptions;
  /** Sent as `Host` on every request and the WebSocket upgrade (PlaceOS routes tenants by Host). */
  hostHeader?: string;
  /** Only systems in at least one of these zones; empty = every system. */
  zones: string[];
  /** This client watches the systems with `shardOf(id, count) === index`. */
  shard: { index: number; count: number };
  topologyPollMs: number;
  keyPollMs: number;
  requestTimeoutMs: number;
  logger: Logger;
  /** REST requests at once (default 8). */
  concurrency?: number;
  /** Text `ping` interval (default 15 000). */
  heartbeatMs?: number;
  /** No frame or pong for this long: terminate and reconnect (default 60 000). */
  deadSocketMs?: number;
  /** Bindings one control socket holds at most (default DEFAULT_MAX_BINDINGS_PER_SOCKET). */
  maxBindingsPerSocket?: number;
  /** Outstanding bind requests per socket (default DEFAULT_BINDS_IN_FLIGHT). */
  bindsInFlight?: number;
  /** Per bind request (default 10 000). */
  bindTimeoutMs?: number;
  /** Reconnect and retry backoff (default 500 ms .. 30 s). */
  reconnect?: { baseMs: number; maxMs: number };
  /**
   * In-cluster mode: take state from PlaceOS' Redis (`redis://`, `rediss://`,
   * `redis-sentinel://`) instead of binding keys on control sockets. Models still come from REST.
   */
  redisUrl?: string;
  /** Items per page on REST index routes (default 500). */
  pageSize?: number;
  /** Paces initial binds and hash reads by how fast the consumer delivers (default: none). */
  pacer?: SyncPacer;
}

/** A snapshot of the client's health, for status topics and health checks. */
export interface PlaceOsStatus {
  connected: boolean;
  firstSyncDone: boolean;
  systems: number;
  modules: number;
  boundKeys: number;
  pendingBinds: number;
  reconnects: number;
  /** Bindings held by each control socket. */
  sockets: number[];
  lastError?: string;
}
