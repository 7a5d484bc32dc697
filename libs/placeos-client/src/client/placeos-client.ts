import type { Logger } from 'pino';
import { ApiKeyCredentials, type Credentials, OAuthCredentials } from '../auth/credentials';
import { PlaceOsAuthError } from '../auth/placeos-auth-error';
import type { StateChange } from '../model/state-change';
import { type ModuleSlot, Topology } from '../model/topology';
import type { TopologyUpdate } from '../model/topology-change';
import { CoalescingQueue } from '../queue/coalescing-queue';
import { QueuePacer } from '../queue/queue-pacer';
import { PlaceOsNotFoundError, RestClient } from '../rest/rest-client';
import { discoverTopology } from '../topology/discovery';
import { shardOf } from '../topology/shard';
import { diffTopologySteps } from '../topology/topology-diff';
import { type BackoffOptions, backoffDelay, sleep } from '../util/backoff';
import { RateLimitedLog } from '../util/rate-limited-log';
import { type BindingSocket, BindingSockets } from '../ws/binding-sockets';
import { changeKeyOf, slotKeyOf } from '../ws/binding-table';
import { parseControlFrame } from '../ws/control-frame';
import { mergeKeys } from './merge-keys';
import { RedisSlotFeed } from './redis-slot-feed';
import type { PlaceOsClientOptions, PlaceOsStatus } from './placeos-client-options';

type TopologyListener = (update: TopologyUpdate) => Promise<void> | void;

const CONTROL_PATH = '/api/engine/v2/systems/control';
/**
 * Defaults measured against the simulator's pressure counters at 100,000 keys (README,
 * "Ingestion"). A burst queues up to (bindings on the socket × changes per key) notifies on a
 * socket however fast the client reads, since rest-api starts a fiber per Redis message: 2,000
 * bindings keep a burst of two changes per key under 5,000 per socket. During the first sync a
 * socket's pending notifies never exceed its binds in flight.
 */
export const DEFAULT_MAX_BINDINGS_PER_SOCKET = 2_000;
export const DEFAULT_BINDS_IN_FLIGHT = 250;
const SWEEP_INTERVAL_MS = 250;
/** Lookup changes come in bursts (a re-order touches every slot): one topology read per burst. */
const REFRESH_DEBOUNCE_MS = 100;

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
  private readonly log: RateLimitedLog;
  private readonly credentials: Credentials;
  private readonly rest: RestClient;
  private readonly bindings: BindingSockets;
  /** In-cluster mode: state from PlaceOS' Redis; no control socket is opened. */
  private readonly redisFeed?: RedisSlotFeed;
  /** Aborted to cut the topology poll's wait short (a lookup changed). */
  private pollWait = new AbortController();
  private readonly retry: BackoffOptions;
  private readonly concurrency: number;
  private readonly abort = new AbortController();
  private readonly listeners = new Set<TopologyListener>();
  private current = Topology.empty();
  /** Module id -> the bound systems (each once) where it holds slots in the current topology. */
  private systemsOfModule = new Map<string, string[]>();
  /**
   * Module id -> status keys seen in its state hash (kept: deleted keys stay bound). Arrays are
   * replaced, never changed, and share the key strings JSON.parse already deduplicates.
   */
  private readonly moduleKeys = new Map<string, readonly string[]>();
  /** Modules whose keys could not be read yet. */
  private readonly keysMissing = new Set<string>();
  /**
   * Slots another module took over (re-order, replacement) → the keys bound for the old one,
   * until the new module's keys are known: PlaceOS sends nothing for a key the new module lacks,
   * so without this the old module's value would stay at those coordinates.
   */
  private readonly takenOver = new Map<string, readonly string[]>();
  private started = false;
  private stopped = false;
  private discovered = false;
  private firstSyncDone = false;
  private readonly syncWaiters = new Set<() => void>();
  private readonly loops = new Set<Promise<void>>();
  private sweepTimer?: NodeJS.Timeout;
  private lastError?: string;

  constructor(private readonly options: PlaceOsClientOptions) {
    this.logger = options.logger;
    this.log = new RateLimitedLog(options.logger);
    this.retry = options.reconnect ?? { baseMs: 500, maxMs: 30_000 };
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
    this.concurrency = concurrency;
    if (options.apiKey) {
      this.credentials = new ApiKeyCredentials(options.apiKey);
    } else if (options.oauth) {
      this.credentials = new OAuthCredentials(baseUrl, options.oauth, {
        hostHeader: options.hostHeader,
        timeoutMs: options.requestTimeoutMs,
        logger: options.logger,
      });
    } else {
      throw new Error('PlaceOS credentials missing: set an API key or OAuth username/password');
    }
    this.rest = new RestClient({
      baseUrl,
      credentials: this.credentials,
      hostHeader: options.hostHeader,
      requestTimeoutMs: options.requestTimeoutMs,
      concurrency,
      retry: { baseMs: Math.min(this.retry.baseMs, 250), maxMs: this.retry.maxMs },
      maxAttempts: 4,
      pageSize: options.pageSize ?? 500,
      logger: options.logger,
      signal: this.abort.signal,
      onError: (error) => this.recordError(error),
    });
    const wsUrl = new URL(CONTROL_PATH, baseUrl);
    wsUrl.protocol = baseUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    this.bindings = new BindingSockets({
      maxBindingsPerSocket: options.maxBindingsPerSocket ?? DEFAULT_MAX_BINDINGS_PER_SOCKET,
      bindsInFlight: options.bindsInFlight ?? DEFAULT_BINDS_IN_FLIGHT,
      bindTimeoutMs: options.bindTimeoutMs ?? 10_000,
      retry: this.retry,
      connection: {
        url: wsUrl.toString(),
        headers: () => this.credentials.headers(this.abort.signal),
        hostHeader: options.hostHeader,
        heartbeatMs: options.heartbeatMs ?? 15_000,
        deadSocketMs: options.deadSocketMs ?? 60_000,
        reconnect: this.retry,
        logger: options.logger,
      },
      emit: (change) =>
        this.changes.push(
          changeKeyOf(change.systemId, change.moduleName, change.index, change.key),
          change,
        ),
      pacer,
      onText: (text, socket) => this.onText(text, socket),
      onError: (error, status, detail) => this.onSocketError(error, status, detail),
      log: this.log,
      logger: options.logger,
    });
    if (options.redisUrl) {
      this.redisFeed = new RedisSlotFeed({
        url: options.redisUrl,
        logger: options.logger,
        emit: (change) =>
          this.changes.push(
            changeKeyOf(change.systemId, change.moduleName, change.index, change.key),
            change,
          ),
        onLookupChange: () => this.refreshTopologySoon(),
        pacer,
      });
    }
  }

  /** The current snapshot of everything in scope (empty until the first discovery). */
  get topology(): Topology {
    return this.current;
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
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
    if (this.firstSyncDone) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.syncWaiters.delete(done);
        resolve(this.firstSyncDone);
      };
      this.syncWaiters.add(done);
      if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
    });
  }

  /** Stops all loops, closes the socket and closes `changes` (waiting consumers get undefined). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    clearInterval(this.sweepTimer);
    await this.bindings.stop();
    await this.redisFeed?.stop();
    await Promise.allSettled([...this.loops]);
    this.rest.close();
    this.changes.close();
    for (const waiter of [...this.syncWaiters]) waiter();
  }

  status(): PlaceOsStatus {
    const status: PlaceOsStatus = {
      // A portfolio without a single status key needs no socket: REST answering is enough.
      connected: this.redisFeed
        ? this.redisFeed.connected
        : this.bindings.count > 0
          ? this.bindings.connected
          : this.discovered,
      firstSyncDone: this.firstSyncDone,
      systems: this.boundSystems(),
      modules: this.systemsOfModule.size,
      boundKeys: this.redisFeed ? this.redisFeed.boundKeys : this.bindings.bound,
      pendingBinds: this.bindings.pending,
      reconnects: this.bindings.reconnects,
      sockets: this.bindings.distribution(),
    };
    if (this.lastError !== undefined) status.lastError = this.lastError;
    return status;
  }

  private async run(): Promise<void> {
    const initial = await this.discoverUntilDone();
    if (!initial || this.stopped) return;
    await this.applyTopology(initial);
    if (this.stopped) return;
    this.discovered = true;
    this.background(this.topologyLoop());
    if (this.redisFeed) {
      // New keys and deletions arrive as Redis publishes: no key poll, no socket.
      await this.redisFeed.start();
      this.background(
        this.redisFeed.whenSynced().then(() => {
          // Models that changed between the discovery and the subscription announced it
          // before anyone listened: read them once more now that lookup-changes are heard.
          this.refreshTopologySoon();
          this.checkSync();
        }),
      );
      return;
    }
    this.sweepTimer = setInterval(() => {
      this.bindings.sweep();
      this.checkSync();
    }, SWEEP_INTERVAL_MS);
    this.bindings.start();
    this.background(this.keyLoop());
  }

  /** Reads the topology again shortly, instead of at the next poll. */
  private refreshTopologySoon(): void {
    if (this.stopped || this.pollWait.signal.aborted) return;
    setTimeout(() => this.pollWait.abort(), REFRESH_DEBOUNCE_MS).unref();
  }

  private async discoverUntilDone(): Promise<Topology | undefined> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        return await this.discover();
      } catch (error) {
        this.recordError(error);
        this.logger.warn(
          { err: errorMessage(error), attempt },
          'PlaceOS discovery failed; retrying',
        );
        await sleep(backoffDelay(attempt, this.retry), this.abort.signal);
      }
    }
    return undefined;
  }

  private discover(): Promise<Topology> {
    return discoverTopology(this.rest, { zones: this.options.zones }, this.logger);
  }

  private async topologyLoop(): Promise<void> {
    while (!this.stopped) {
      await sleep(
        this.options.topologyPollMs,
        AbortSignal.any([this.abort.signal, this.pollWait.signal]),
      );
      if (this.stopped) return;
      this.pollWait = new AbortController();
      try {
        await this.applyTopology(await this.discover());
      } catch (error) {
        if (this.stopped) return;
        this.recordError(error);
        this.logger.warn({ err: errorMessage(error) }, 'PlaceOS topology poll failed; will retry');
      }
    }
  }

  /** Fetches keys of new modules now, all modules every keyPollMs, failed ones sooner. */
  private async keyLoop(): Promise<void> {
    await this.fetchKeys([...this.systemsOfModule.keys()]);
    let lastFullPoll = Date.now();
    let failedRounds = 0;
    while (!this.stopped) {
      const wait =
        this.keysMissing.size > 0
          ? Math.min(this.options.keyPollMs, backoffDelay(failedRounds, this.retry))
          : this.options.keyPollMs;
      await sleep(wait, this.abort.signal);
      if (this.stopped) return;
      let modules: string[];
      if (Date.now() - lastFullPoll >= this.options.keyPollMs) {
        modules = [...this.systemsOfModule.keys()];
        lastFullPoll = Date.now();
      } else {
        modules = [...this.keysMissing];
      }
      await this.fetchKeys(modules);
      failedRounds = this.keysMissing.size > 0 ? failedRounds + 1 : 0;
    }
  }

  private async fetchKeys(moduleIds: string[]): Promise<void> {
    for (const id of moduleIds) this.keysMissing.add(id);
    // A few workers over the list rather than thousands of waiting promises at once.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < moduleIds.length && !this.stopped)
        await this.fetchModuleKeys(moduleIds[next++]);
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
    this.checkSync();
  }

  private async fetchModuleKeys(moduleId: string): Promise<void> {
    let keys: string[];
    try {
      const { body } = await this.rest.getJson(`/modules/${encodeURIComponent(moduleId)}/state`);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new Error(`GET /modules/${moduleId}/state did not answer an object`);
      }
      keys = Object.keys(body);
    } catch (error) {
      if (error instanceof PlaceOsNotFoundError) {
        keys = []; // deleted since the last topology poll; that poll will drop it
      } else {
        if (!this.stopped) {
          this.recordError(error);
          this.log.warn(
            'keys',
            { moduleId, err: errorMessage(error) },
            'could not read module state keys',
          );
        }
        return;
      }
    }
    this.keysMissing.delete(moduleId);
    const known = mergeKeys(this.moduleKeys.get(moduleId), keys);
    this.moduleKeys.set(moduleId, known);
    for (const systemId of this.systemsOfModule.get(moduleId) ?? []) {
      for (const slot of this.current.slots(systemId)) {
        if (slot.moduleId !== moduleId) continue;
        this.bindSlot(systemId, slot, known);
      }
    }
  }

  /** Binds a slot's keys; after a takeover, reports the keys its new module lacks as deleted. */
  private bindSlot(systemId: string, slot: ModuleSlot, keys: readonly string[]): void {
    this.bindings.setSlot(systemId, slot.name, slot.index, slot.moduleId, keys);
    const slotKey = slotKeyOf(systemId, slot.name, slot.index);
    const previousKeys = this.takenOver.get(slotKey);
    if (!previousKeys) return;
    this.takenOver.delete(slotKey);
    const now = new Set(keys);
    const receivedAt = Date.now();
    for (const key of previousKeys) {
      if (now.has(key)) continue;
      this.changes.push(changeKeyOf(systemId, slot.name, slot.index, key), {
        systemId,
        moduleName: slot.name,
        index: slot.index,
        moduleId: slot.moduleId,
        key,
        json: 'null',
        receivedAt,
        resync: true,
        removed: true,
      });
    }
  }

  /** Tells the listeners, then moves the bindings to the new slots. */
  private async applyTopology(next: Topology): Promise<void> {
    const previous = this.current;
    // In steps, the event loop getting a turn in between: state keeps flowing during a poll.
    const steps = diffTopologySteps(previous, next);
    let step = steps.next();
    while (!step.done) {
      await new Promise((resolve) => setImmediate(resolve));
      step = steps.next();
    }
    const changes = step.value;
    if (this.stopped) return;
    if (changes.length === 0 && this.discovered) return;
    const update: TopologyUpdate = { previous, current: next, changes };
    for (const listener of [...this.listeners]) {
      try {
        await listener(update);
      } catch (error) {
        this.logger.error({ err: errorMessage(error) }, 'topology listener failed');
      }
    }
    this.current = next;
    const systemsOfModule = new Map<string, string[]>();
    const wanted = new Map<string, { systemId: string; slot: ModuleSlot }>();
    for (const system of next.systems.values()) {
      if (!this.bindsSystem(system.id)) continue;
      for (const slot of next.slots(system.id)) {
        wanted.set(slotKeyOf(system.id, slot.name, slot.index), { systemId: system.id, slot });
        const systems = systemsOfModule.get(slot.moduleId);
        // A system's slots are listed together, so a repeat of the module there is the last entry.
        if (!systems) systemsOfModule.set(slot.moduleId, [system.id]);
        else if (systems[systems.length - 1] !== system.id) systems.push(system.id);
      }
    }
    this.systemsOfModule = systemsOfModule;
    if (this.redisFeed) {
      this.redisFeed.applyTopology(next, (systemId) => this.bindsSystem(systemId));
      return;
    }
    for (const slotKey of [...this.bindings.slotKeys()]) {
      const want = wanted.get(slotKey);
      if (!want || want.slot.moduleId !== this.bindings.moduleOfSlot(slotKey)) {
        if (want && !this.takenOver.has(slotKey))
          this.takenOver.set(slotKey, this.bindings.keysOfSlot(slotKey));
        this.bindings.removeSlot(slotKey);
      }
    }
    for (const slotKey of [...this.takenOver.keys()]) {
      if (!wanted.has(slotKey)) this.takenOver.delete(slotKey);
    }
    const unknown: string[] = [];
    for (const [slotKey, { systemId, slot }] of wanted) {
      // A slot bound to the same module keeps its bindings; the key poll adds new keys.
      if (this.bindings.moduleOfSlot(slotKey) === slot.moduleId) continue;
      const keys = this.moduleKeys.get(slot.moduleId);
      if (keys) this.bindSlot(systemId, slot, keys);
      else if (!this.keysMissing.has(slot.moduleId)) unknown.push(slot.moduleId);
    }
    for (const moduleId of [...this.moduleKeys.keys()]) {
      if (!systemsOfModule.has(moduleId)) this.moduleKeys.delete(moduleId);
    }
    for (const moduleId of [...this.keysMissing]) {
      if (!systemsOfModule.has(moduleId)) this.keysMissing.delete(moduleId);
    }
    // The initial keys are fetched by the key loop; later additions right away.
    if (this.discovered && unknown.length > 0) {
      this.background(this.fetchKeys([...new Set(unknown)]));
    }
  }

  private onText(text: string, socket: BindingSocket): void {
    const receivedAt = Date.now();
    const frame = parseControlFrame(text);
    switch (frame.kind) {
      case 'pong':
      case 'debug':
        return;
      case 'success':
      case 'notify':
      case 'error':
        this.bindings.handle(socket, frame, receivedAt);
        // Summing every socket's pending binds costs a pass over hundreds of sockets at a
        // million keys: only when this socket has none left can all of them have none.
        if (frame.kind === 'success' && socket.table.pending === 0 && this.bindings.pending === 0) {
          this.checkSync();
        }
        return;
      case 'not-json':
        this.log.warn(
          'not-json',
          { length: text.length },
          'PlaceOS sent a text frame that is not JSON; ignored',
        );
        return;
      case 'malformed':
        this.log.warn(
          'malformed',
          { reason: frame.reason, length: text.length },
          'PlaceOS sent a malformed frame; ignored',
        );
        return;
      case 'unknown-type':
        this.log.warn(
          'unknown-type',
          { type: frame.type.slice(0, 40) },
          'PlaceOS sent an unknown message type; ignored',
        );
        return;
    }
  }

  private onSocketError(error: Error, status?: number, detail?: string): void {
    if (status === 401 || status === 403) {
      if (status === 401) this.credentials.invalidate();
      this.recordError(
        new PlaceOsAuthError(
          this.credentials.kind,
          `GET ${CONTROL_PATH} (WebSocket upgrade)`,
          status,
          detail,
        ),
      );
    } else {
      this.recordError(error);
    }
    this.log.warn('socket', { err: this.lastError }, 'PlaceOS control WebSocket could not connect');
  }

  private checkSync(): void {
    if (this.firstSyncDone || !this.discovered) return;
    if (this.redisFeed) {
      if (!this.redisFeed.synced) return;
    } else {
      if (this.keysMissing.size > 0 || !this.initialKeysRead()) return;
      if (!this.bindings.allBound) return;
    }
    this.firstSyncDone = true;
    this.logger.info(
      {
        systems: this.boundSystems(),
        modules: this.systemsOfModule.size,
        keys: this.redisFeed ? this.redisFeed.boundKeys : this.bindings.size,
      },
      'PlaceOS first sync done: every key bound',
    );
    for (const waiter of [...this.syncWaiters]) waiter();
  }

  private boundSystems(): number {
    if (this.options.shard.count === 1) return this.current.systems.size;
    let count = 0;
    for (const id of this.current.systems.keys()) if (this.bindsSystem(id)) count++;
    return count;
  }

  private initialKeysRead(): boolean {
    for (const moduleId of this.systemsOfModule.keys()) {
      if (!this.moduleKeys.has(moduleId)) return false;
    }
    return true;
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

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
