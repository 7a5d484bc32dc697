import { Redis, type RedisOptions } from 'ioredis';
import { backoffDelay } from '../util/backoff';
import { errorMessage } from '../util/error-message';
import { RateLimitedLog } from '../util/rate-limited-log';
import { SyncWaiters } from '../util/sync-waiters';
import { HashReader } from './hash-reader';
import type {
  RedisSourceStatus,
  RedisStateChange,
  RedisStateSourceOptions,
} from './redis-state-types';
import { scrubSecrets } from '@app/redaction';
import { type RedisTarget, parseRedisUrl } from './redis-url';

export type { RedisSourceStatus, RedisStateChange, RedisStateSourceOptions };

const STATUS_PREFIX = 'status/';
const LOOKUP_CHANGE = 'lookup-change';

/**
 * PlaceOS state straight from its Redis, as PlaceOS/source reads it: `PSUBSCRIBE status/*` for live
 * changes and `HGETALL status/<module>` for current values, plus `lookup-change` for core's module
 * lookups. The subscription is acknowledged before any hash is read, and a key that gets a live
 * value while its hash is being read keeps the live value, so nothing between the read and the
 * subscription is lost or overwritten by an older value. Every reconnect re-reads every hash.
 *
 * The live path allocates only the emitted object: a Set lookup filters modules outside the scope.
 */
export class RedisStateSource {
  private readonly target: RedisTarget;
  private readonly log: RateLimitedLog;
  private readonly scope = new Set<string>();
  private readonly reader: HashReader;
  private readonly syncWaiters = new SyncWaiters(() => this.synced);
  private sub: Redis | undefined;
  private cmd: Redis | undefined;
  /** Bumped on every (re)connect of the subscriber: older subscription replies are ignored. */
  private generation = 0;
  private subscribed = false;
  private everSubscribed = false;
  private synced = false;
  private resyncs = 0;
  private readStartedAt = 0;
  private stopped = false;
  private lastError: string | undefined;

  constructor(private readonly options: RedisStateSourceOptions) {
    this.target = parseRedisUrl(options.url);
    this.log = new RateLimitedLog(options.logger);
    this.reader = new HashReader({
      chunkSize: Math.max(1, options.chunkSize ?? 500),
      chunksInFlight: Math.max(1, options.chunksInFlight ?? 4),
      inScope: (id) => this.scope.has(id),
      emit: (change) => this.emitSafely(change),
      onError: (error) => this.onError('command', error),
      onIdle: () => this.markSynced(),
      pacer: options.pacer,
    });
  }

  /** The URL without its password. */
  get redactedUrl(): string {
    return this.target.redacted;
  }

  /** Connects and subscribes in the background (reconnecting forever); see `whenSynced`. */
  start(): Promise<void> {
    if (this.sub !== undefined || this.stopped) return Promise.resolve();
    const reconnect = this.options.reconnect ?? { baseMs: 200, maxMs: 10_000 };
    const base: RedisOptions = {
      ...this.options.redisOptions,
      lazyConnect: true,
      retryStrategy: (times: number) => backoffDelay(times - 1, reconnect),
    };
    // The subscriber re-subscribes itself on 'ready' and waits for the acknowledgement, so the
    // re-read after a reconnect never starts before the subscription holds.
    this.sub = this.connect('subscriber', {
      ...base,
      autoResubscribe: false,
      autoResendUnfulfilledCommands: false,
      enableOfflineQueue: false,
    });
    // Reads and lookups wait out a reconnect instead of failing.
    this.cmd = this.connect('command', { ...base, maxRetriesPerRequest: null });
    this.sub.on('ready', () => this.onSubscriberReady());
    this.sub.on('close', () => this.onSubscriberClosed());
    this.sub.on('pmessage', (_pattern: string, channel: string, text: string) =>
      this.onStatus(channel, text),
    );
    this.sub.on('message', (channel: string, text: string) => this.onMessage(channel, text));
    this.sub.connect().catch(() => undefined);
    this.cmd.connect().catch(() => undefined);
    return Promise.resolve();
  }

  /** Brings modules into scope; their hashes are read now (or at the next subscription). */
  addModules(ids: Iterable<string>): void {
    const added: string[] = [];
    for (const id of ids) {
      if (this.scope.has(id)) continue;
      this.scope.add(id);
      added.push(id);
    }
    if (added.length === 0 || !this.subscribed) return;
    this.synced = false;
    this.reader.read(added);
  }

  /** Drops modules from scope: their live changes are ignored from now on. */
  removeModules(ids: Iterable<string>): void {
    for (const id of ids) this.scope.delete(id);
  }

  /** core's `system/<id>` lookup: `"<ResolvedName>/<index>"` → module id. */
  async readLookup(systemId: string): Promise<Map<string, string>> {
    if (this.cmd === undefined || this.stopped)
      throw new Error('the Redis state source is not running');
    const hash = await this.cmd.hgetall(`system/${systemId}`);
    return new Map(Object.entries(hash));
  }

  /** Resolves true once every module in scope has been read, false after `timeoutMs` or stop. */
  whenSynced(timeoutMs?: number): Promise<boolean> {
    return this.syncWaiters.wait(timeoutMs);
  }

  status(): RedisSourceStatus {
    const status: RedisSourceStatus = {
      connected: this.subscribed && this.cmd?.status === 'ready',
      synced: this.synced,
      modules: this.scope.size,
      resyncs: this.resyncs,
    };
    if (this.lastError !== undefined) status.lastError = this.lastError;
    return status;
  }

  /** Closes both connections; pending reads are dropped and `whenSynced` waiters get false. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.generation += 1;
    this.subscribed = false;
    this.reader.reset(undefined);
    const clients = [this.sub, this.cmd].filter((c): c is Redis => c !== undefined);
    await Promise.all(clients.map((c) => disconnected(c)));
    this.syncWaiters.wakeAll();
  }

  private connect(role: string, options: RedisOptions): Redis {
    const client =
      this.target.url === undefined
        ? new Redis({ ...options, ...this.target.options })
        : new Redis(this.target.url, { ...options, ...this.target.options });
    client.on('error', (error: Error) => this.onError(role, error));
    return client;
  }

  private onSubscriberReady(): void {
    const sub = this.sub;
    if (sub === undefined || this.stopped) return;
    const generation = ++this.generation;
    Promise.all([sub.psubscribe(`${STATUS_PREFIX}*`), sub.subscribe(LOOKUP_CHANGE)]).then(
      () => {
        if (generation !== this.generation || this.stopped) return;
        this.subscribed = true;
        if (this.everSubscribed) this.options.onResubscribed?.();
        this.everSubscribed = true;
        this.resync();
      },
      (error: unknown) => {
        if (generation !== this.generation || this.stopped) return;
        this.onError('subscriber', error);
        // Drop the connection so the retry strategy tries again (with backoff).
        sub.disconnect(true);
      },
    );
  }

  private onSubscriberClosed(): void {
    if (this.stopped) return;
    this.generation += 1;
    if (this.subscribed)
      this.options.logger.warn({ url: this.target.redacted }, 'Redis subscription lost');
    this.subscribed = false;
    this.synced = false;
    this.reader.reset(undefined);
  }

  /** Reads every module in scope again (the first read, or after a reconnect). */
  private resync(): void {
    this.resyncs += 1;
    this.synced = false;
    this.readStartedAt = Date.now();
    this.options.logger.info(
      { url: this.target.redacted, modules: this.scope.size, resync: this.resyncs > 1 },
      'Redis subscribed; reading module state',
    );
    this.reader.reset(this.cmd);
    this.reader.read(this.scope);
  }

  /** `status/<module id>/<status key>`: the module id has no `/`, the key may have several. */
  private onStatus(channel: string, text: string): void {
    const slash = channel.indexOf('/', STATUS_PREFIX.length);
    if (slash < 0) return;
    const moduleId = channel.slice(STATUS_PREFIX.length, slash);
    if (!this.scope.has(moduleId)) return;
    const key = channel.slice(slash + 1);
    this.reader.touch(moduleId, key);
    this.emitSafely({
      moduleId,
      key,
      text,
      deleted: text === 'null',
      receivedAt: Date.now(),
      resync: false,
    });
  }

  private onMessage(channel: string, text: string): void {
    if (channel !== LOOKUP_CHANGE) return;
    try {
      this.options.onLookupChange?.(text);
    } catch (error) {
      this.log.warn('lookup', { err: errorMessage(error) }, 'lookup-change consumer failed');
    }
  }

  private emitSafely(change: RedisStateChange): void {
    try {
      this.options.emit(change);
    } catch (error) {
      this.log.warn(
        'emit',
        { err: errorMessage(error) },
        'Redis state consumer failed on a change',
      );
    }
  }

  private markSynced(): void {
    if (this.synced || !this.subscribed || !this.reader.idle) return;
    this.synced = true;
    // Logged for full reads only: modules added later are read quietly.
    if (this.readStartedAt > 0) {
      this.options.logger.info(
        { modules: this.scope.size, ms: Date.now() - this.readStartedAt },
        'Redis module state read',
      );
      this.readStartedAt = 0;
    }
    this.syncWaiters.wakeAll();
  }

  private onError(role: string, error: unknown): void {
    const message = scrubSecrets(errorMessage(error), this.target.secrets);
    const auth = /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message);
    this.lastError = `Redis ${this.target.redacted} (${role} connection): ${auth ? 'authentication failed: ' : ''}${message}`;
    this.log.warn(`redis-${role}`, { err: this.lastError }, 'Redis connection problem; retrying');
  }
}

/** Disconnects and resolves once the client is closed for good. */
function disconnected(client: Redis): Promise<void> {
  return new Promise((resolve) => {
    if (client.status === 'end') return resolve();
    // Between two attempts there is no socket to close, so no 'end' event will come.
    const idle = client.status === 'reconnecting' || client.status === 'close';
    client.once('end', () => resolve());
    client.disconnect();
    if (idle) resolve();
  });
}
