import type { Credentials } from '../auth/credentials';
import { PlaceOsAuthError } from '../auth/placeos-auth-error';
import type { StateChange } from '../model/state-change';
import type { SyncPacer } from '../model/sync-pacer';
import { type ModuleSlot, Topology } from '../model/topology';
import type { RestClient } from '../rest/rest-client';
import type { BackoffOptions } from '../util/backoff';
import { errorMessage } from '../util/error-message';
import type { RateLimitedLog } from '../util/rate-limited-log';
import { type BindingSocket, BindingSockets } from '../ws/binding-sockets';
import { slotKeyOf } from '../ws/binding-table';
import { parseControlFrame } from '../ws/control-frame';
import { ModuleKeyPoll } from './module-key-poll';
import type { PlaceOsClientOptions } from './placeos-client-options';
import type { WantedSlot } from './topology-watch';

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

export interface ControlSocketFeedOptions {
  /** The client's options: socket limits and timings, the key poll interval, the logger. */
  settings: PlaceOsClientOptions;
  baseUrl: URL;
  credentials: Credentials;
  rest: RestClient;
  retry: BackoffOptions;
  concurrency: number;
  /** Aborted when the client stops. */
  signal: AbortSignal;
  log: RateLimitedLog;
  pacer: SyncPacer;
  emit: (change: StateChange) => void;
  /** Runs a task the client awaits on stop. */
  background: (task: Promise<void>) => void;
  onError: (error: unknown) => void;
  /** Something the first sync waits for may just have happened. */
  checkSync: () => void;
}

/**
 * Ingestion over the PlaceOS API: every status key of every bound slot is bound on the control
 * WebSockets, with the keys read per module by the key poll. When a slot changes hands, the keys
 * the new module lacks are reported deleted once its keys are known.
 */
export class ControlSocketFeed {
  /** The control sockets; their counters are the status of this feed. */
  readonly bindings: BindingSockets;
  private readonly keys: ModuleKeyPoll;
  private topology = Topology.empty();
  private systemsOfModule: ReadonlyMap<string, readonly string[]> = new Map();
  /**
   * Slots another module took over (re-order, replacement) → the keys bound for the old one,
   * until the new module's keys are known: PlaceOS sends nothing for a key the new module lacks,
   * so without this the old module's value would stay at those coordinates.
   */
  private readonly takenOver = new Map<string, readonly string[]>();
  private sweepTimer?: NodeJS.Timeout;
  private started = false;

  constructor(private readonly options: ControlSocketFeedOptions) {
    const { settings, baseUrl, credentials, retry } = options;
    const wsUrl = new URL(CONTROL_PATH, baseUrl);
    wsUrl.protocol = baseUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    this.bindings = new BindingSockets({
      maxBindingsPerSocket: settings.maxBindingsPerSocket ?? DEFAULT_MAX_BINDINGS_PER_SOCKET,
      bindsInFlight: settings.bindsInFlight ?? DEFAULT_BINDS_IN_FLIGHT,
      bindTimeoutMs: settings.bindTimeoutMs ?? 10_000,
      retry,
      connection: {
        url: wsUrl.toString(),
        headers: () => credentials.headers(options.signal),
        hostHeader: settings.hostHeader,
        heartbeatMs: settings.heartbeatMs ?? 15_000,
        deadSocketMs: settings.deadSocketMs ?? 60_000,
        reconnect: retry,
        logger: settings.logger,
      },
      emit: options.emit,
      pacer: options.pacer,
      onText: (text, socket) => this.onText(text, socket),
      onError: (error, status, detail) => this.onSocketError(error, status, detail),
      log: options.log,
      logger: settings.logger,
    });
    this.keys = new ModuleKeyPoll({
      rest: options.rest,
      pollMs: settings.keyPollMs,
      retry,
      concurrency: options.concurrency,
      signal: options.signal,
      log: options.log,
      onError: options.onError,
      onKeys: (moduleId, keys) => this.bindModule(moduleId, keys),
      onRead: options.checkSync,
    });
  }

  /** Every key in scope has been read and bound (or refused for good). */
  get synced(): boolean {
    return this.keys.complete && this.bindings.allBound;
  }

  /** Opens the sockets and starts the key poll, which reads every module first. */
  start(): void {
    this.started = true;
    this.sweepTimer = setInterval(() => {
      this.bindings.sweep();
      this.options.checkSync();
    }, SWEEP_INTERVAL_MS);
    this.bindings.start();
    this.options.background(this.keys.run());
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.bindings.stop();
  }

  /** Moves the bindings to the slots of a new topology. */
  applyTopology(
    next: Topology,
    systemsOfModule: ReadonlyMap<string, readonly string[]>,
    wanted: ReadonlyMap<string, WantedSlot>,
  ): void {
    this.topology = next;
    this.systemsOfModule = systemsOfModule;
    const { bindings, takenOver } = this;
    for (const slotKey of [...bindings.slotKeys()]) {
      const want = wanted.get(slotKey);
      if (!want || want.slot.moduleId !== bindings.moduleOfSlot(slotKey)) {
        if (want && !takenOver.has(slotKey)) takenOver.set(slotKey, bindings.keysOfSlot(slotKey));
        bindings.removeSlot(slotKey);
      }
    }
    for (const slotKey of [...takenOver.keys()]) {
      if (!wanted.has(slotKey)) takenOver.delete(slotKey);
    }
    const unknown: string[] = [];
    for (const [slotKey, { systemId, slot }] of wanted) {
      // A slot bound to the same module keeps its bindings; the key poll adds new keys.
      if (bindings.moduleOfSlot(slotKey) === slot.moduleId) continue;
      const keys = this.keys.keysOf(slot.moduleId);
      if (keys) this.bindSlot(systemId, slot, keys);
      else if (!this.keys.reading(slot.moduleId)) unknown.push(slot.moduleId);
    }
    this.keys.retain(systemsOfModule);
    // Until the key poll runs it reads every module itself; later additions are read right away.
    if (this.started && unknown.length > 0) {
      this.options.background(this.keys.read([...new Set(unknown)]));
    }
  }

  /** Binds a module's keys at every slot it holds. */
  private bindModule(moduleId: string, keys: readonly string[]): void {
    for (const systemId of this.systemsOfModule.get(moduleId) ?? []) {
      for (const slot of this.topology.slots(systemId)) {
        if (slot.moduleId !== moduleId) continue;
        this.bindSlot(systemId, slot, keys);
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
      this.options.emit({
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
          this.options.checkSync();
        }
        return;
      case 'not-json':
        this.options.log.warn(
          'not-json',
          { length: text.length },
          'PlaceOS sent a text frame that is not JSON; ignored',
        );
        return;
      case 'malformed':
        this.options.log.warn(
          'malformed',
          { reason: frame.reason, length: text.length },
          'PlaceOS sent a malformed frame; ignored',
        );
        return;
      case 'unknown-type':
        this.options.log.warn(
          'unknown-type',
          { type: frame.type.slice(0, 40) },
          'PlaceOS sent an unknown message type; ignored',
        );
        return;
    }
  }

  private onSocketError(error: Error, status?: number, detail?: string): void {
    const { credentials } = this.options;
    let reported: Error = error;
    if (status === 401 || status === 403) {
      if (status === 401) credentials.invalidate();
      reported = new PlaceOsAuthError(
        credentials.kind,
        `GET ${CONTROL_PATH} (WebSocket upgrade)`,
        status,
        detail,
      );
    }
    this.options.onError(reported);
    this.options.log.warn(
      'socket',
      { err: errorMessage(reported) },
      'PlaceOS control WebSocket could not connect',
    );
  }
}
