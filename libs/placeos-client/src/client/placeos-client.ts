import type { Logger } from 'pino';
import { ApiKeyCredentials, type Credentials, OAuthCredentials } from '../auth/credentials';
import type { StateChange } from '../model/state-change';
import type { Topology } from '../model/topology';
import { CoalescingQueue } from '../queue/coalescing-queue';
import { QueuePacer } from '../queue/queue-pacer';
import { RestClient } from '../rest/rest-client';
import { shardOf } from '../topology/shard';
import type { BackoffOptions } from '../util/backoff';
import { errorMessage } from '../util/error-message';
import { RateLimitedLog } from '../util/rate-limited-log';
import { SyncWaiters } from '../util/sync-waiters';
import { changeKeyOf } from '../ws/binding-table';
import { ControlSocketFeed } from './control-socket-feed';
import type { PlaceOsClientOptions, PlaceOsStatus } from './placeos-client-options';
import { RedisSlotFeed } from './redis-slot-feed';
import { type TopologyListener, TopologyWatch, type WantedSlot } from './topology-watch';

export { DEFAULT_BINDS_IN_FLIGHT, DEFAULT_MAX_BINDINGS_PER_SOCKET } from './control-socket-feed';

/**
 * Watches every status key of every module in scope over the PlaceOS API: discovers the models
 * over REST, binds all keys on one control WebSocket, re-polls keys and topology, and feeds
 * every change into `changes` (latest value wins per key while a consumer is busy).
 *
 * With several shards the topology is still the whole portfolio (REST only, cheap), so that
 * whoever owns a metadata topic knows every system that uses its model; only the systems of
 * this shard are bound and have their keys read.
 */
export class PlaceOsClient {
  /** State changes keyed `${systemId}|${moduleName}|${index}|${key}`; take leases, call done(). */
  readonly changes = new CoalescingQueue<StateChange>();

  private readonly logger: Logger;
  private readonly rest: RestClient;
  private readonly watch: TopologyWatch;
  /** Binds the keys on control sockets; idle (no socket) in in-cluster mode. */
  private readonly sockets: ControlSocketFeed;
  /** In-cluster mode: state from PlaceOS' Redis; no control socket is opened. */
  private readonly redisFeed?: RedisSlotFeed;
  private readonly abort = new AbortController();
  private started = false;
  private stopped = false;
  private firstSyncDone = false;
  private readonly syncWaiters = new SyncWaiters(() => this.firstSyncDone);
  private readonly loops = new Set<Promise<void>>();
  private lastError?: string;

  constructor(private readonly options: PlaceOsClientOptions) {
    this.logger = options.logger;
    const log = new RateLimitedLog(options.logger);
    const retry: BackoffOptions = options.reconnect ?? { baseMs: 500, maxMs: 30_000 };
    const baseUrl = new URL(options.url);
    if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') {
      throw new Error(`PlaceOS url must be http(s), got ${baseUrl.protocol}`);
    }
    const { index, count } = options.shard;
    if (
      !Number.isInteger(count) ||
      count < 1 ||
      !Number.isInteger(index) ||
      index < 0 ||
      index >= count
    ) {
      throw new Error(`PlaceOS shard ${index}/${count} is not valid`);
    }
    const concurrency = options.concurrency ?? 8;
    const pacer = new QueuePacer(this.changes, options.pacer);
    let credentials: Credentials;
    if (options.apiKey) {
      credentials = new ApiKeyCredentials(options.apiKey);
    } else if (options.oauth) {
      credentials = new OAuthCredentials(baseUrl, options.oauth, {
        hostHeader: options.hostHeader,
        timeoutMs: options.requestTimeoutMs,
        logger: options.logger,
      });
    } else {
      throw new Error('PlaceOS credentials missing: set an API key or OAuth username/password');
    }
    const signal = this.abort.signal;
    const onError = (error: unknown): void => this.recordError(error);
    this.rest = new RestClient({
      baseUrl,
      credentials,
      hostHeader: options.hostHeader,
      requestTimeoutMs: options.requestTimeoutMs,
      concurrency,
      retry: { baseMs: Math.min(retry.baseMs, 250), maxMs: retry.maxMs },
      maxAttempts: 4,
      pageSize: options.pageSize ?? 500,
      logger: options.logger,
      signal,
      onError,
    });
    const emit = (change: StateChange): void =>
      this.changes.push(
        changeKeyOf(change.systemId, change.moduleName, change.index, change.key),
        change,
      );
    const checkSync = (): void => this.checkSync();
    this.sockets = new ControlSocketFeed({
      settings: options,
      baseUrl,
      credentials,
      rest: this.rest,
      retry,
      concurrency,
      signal,
      log,
      pacer,
      emit,
      background: (task) => this.background(task),
      onError,
      checkSync,
    });
    this.watch = new TopologyWatch({
      rest: this.rest,
      zones: options.zones,
      pollMs: options.topologyPollMs,
      retry,
      logger: options.logger,
      signal,
      binds: (systemId) => this.bindsSystem(systemId),
      onError,
      onApplied: (next, wanted) => this.applyTopology(next, wanted),
    });
    if (options.redisUrl) {
      this.redisFeed = new RedisSlotFeed({
        url: options.redisUrl,
        logger: options.logger,
        emit,
        onLookupChange: () => this.watch.refreshSoon(),
        pacer,
      });
    }
  }

  /** The current snapshot of everything in scope (empty until the first discovery). */
  get topology(): Topology {
    return this.watch.topology;
  }

  /** Whether this client binds the system's state (its shard's systems). */
  bindsSystem(systemId: string): boolean {
    const { index, count } = this.options.shard;
    return count === 1 || shardOf(systemId, count) === index;
  }

  /**
   * Registers a listener for topology updates; it is awaited before bindings move. The first
   * update (previous = empty) carries the initial discovery. Returns an unsubscribe function.
   */
  onTopology(listener: TopologyListener): () => void {
    return this.watch.onTopology(listener);
  }

  /** Returns promptly; discovery and binding continue in the background and retry forever. */
  start(): Promise<void> {
    if (this.started) return Promise.resolve();
    this.started = true;
    this.background(this.run());
    return Promise.resolve();
  }

  /** Resolves true once every key in scope has been bound once, false after `timeoutMs`. */
  whenSynced(timeoutMs?: number): Promise<boolean> {
    return this.syncWaiters.wait(timeoutMs);
  }

  /** Stops all loops, closes the socket and closes `changes` (waiting consumers get undefined). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    await this.sockets.stop();
    await this.redisFeed?.stop();
    await Promise.allSettled([...this.loops]);
    this.rest.close();
    this.changes.close();
    this.syncWaiters.wakeAll();
  }

  status(): PlaceOsStatus {
    const { bindings } = this.sockets;
    const status: PlaceOsStatus = {
      // A portfolio without a single status key needs no socket: REST answering is enough.
      connected: this.redisFeed
        ? this.redisFeed.connected
        : bindings.count > 0
          ? bindings.connected
          : this.watch.discovered,
      firstSyncDone: this.firstSyncDone,
      systems: this.boundSystems(),
      modules: this.watch.systemsOfModule.size,
      boundKeys: this.redisFeed ? this.redisFeed.boundKeys : bindings.bound,
      pendingBinds: bindings.pending,
      reconnects: bindings.reconnects,
      sockets: bindings.distribution(),
    };
    if (this.lastError !== undefined) status.lastError = this.lastError;
    return status;
  }

  private async run(): Promise<void> {
    if (!(await this.watch.discoverFirst())) return;
    this.background(this.watch.poll());
    if (this.redisFeed) {
      // New keys and deletions arrive as Redis publishes: no key poll, no socket.
      await this.redisFeed.start();
      this.background(
        this.redisFeed.whenSynced().then(() => {
          // Models that changed between the discovery and the subscription announced it
          // before anyone listened: read them once more now that lookup-changes are heard.
          this.watch.refreshSoon();
          this.checkSync();
        }),
      );
      return;
    }
    this.sockets.start();
  }

  /** Moves the state feed to a topology the listeners have seen. */
  private applyTopology(next: Topology, wanted: ReadonlyMap<string, WantedSlot>): void {
    if (this.redisFeed) {
      this.redisFeed.applyTopology(next, (systemId) => this.bindsSystem(systemId));
      return;
    }
    this.sockets.applyTopology(next, this.watch.systemsOfModule, wanted);
  }

  private checkSync(): void {
    if (this.firstSyncDone || !this.watch.discovered) return;
    if (this.redisFeed ? !this.redisFeed.synced : !this.sockets.synced) return;
    this.firstSyncDone = true;
    this.logger.info(
      {
        systems: this.boundSystems(),
        modules: this.watch.systemsOfModule.size,
        keys: this.redisFeed ? this.redisFeed.boundKeys : this.sockets.bindings.size,
      },
      'PlaceOS first sync done: every key bound',
    );
    this.syncWaiters.wakeAll();
  }

  private boundSystems(): number {
    const topology = this.watch.topology;
    if (this.options.shard.count === 1) return topology.systems.size;
    let count = 0;
    for (const id of topology.systems.keys()) if (this.bindsSystem(id)) count++;
    return count;
  }

  private background(task: Promise<void>): void {
    const tracked = task
      .catch((error: unknown) => {
        this.logger.error({ err: errorMessage(error) }, 'PlaceOS client task failed');
      })
      .finally(() => this.loops.delete(tracked));
    this.loops.add(tracked);
  }

  private recordError(error: unknown): void {
    this.lastError = errorMessage(error);
  }
}
