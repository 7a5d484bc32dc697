import type { JsonValue } from '../model/json';
import type { StateChange } from '../model/state-change';
import { type BackoffOptions, backoffDelay } from '../util/backoff';
import type { RateLimitedLog } from '../util/rate-limited-log';
import type { ControlFrame } from './control-frame';

/** Limits of the bind protocol and where its output goes. */
export interface BindingTableOptions {
  /** Bind requests outstanding at once. */
  window: number;
  /** A bind without a reply after this long is retried (PlaceOS drops bad requests silently). */
  timeoutMs: number;
  retry: BackoffOptions;
  /** Sends a text frame; false when the socket is not open. */
  send: (text: string) => boolean;
  emit: (change: StateChange) => void;
  log: RateLimitedLog;
  now?: () => number;
}

type BindingState = 'idle' | 'queued' | 'pending' | 'bound';

interface Binding {
  readonly changeKey: string;
  readonly systemId: string;
  readonly moduleName: string;
  readonly index: number;
  readonly key: string;
  moduleId: string;
  state: BindingState;
  /** Id of the latest bind request sent in this session (0: none). */
  requestId: number;
  sentAt: number;
  successAt: number;
  attempts: number;
  retryAt: number;
  /** The next notify is the value PlaceOS sends right after the bind: a resync. */
  awaitingInitial: boolean;
  removed: boolean;
  /** PlaceOS refused it with access_denied (a `_` module without support permission). */
  denied: boolean;
}

/** `error_code` 2: the key cannot be bound with these credentials; retrying soon is pointless. */
const ACCESS_DENIED = 2;

interface SlotBindings {
  moduleId: string;
  keys: Map<string, Binding>;
}

/** How long after a success a first notify still counts as the bind's initial value. */
const INITIAL_NOTIFY_GRACE_MS = 2_000;

/** The key a state change is coalesced under: `${systemId}|${moduleName}|${index}|${key}`. */
export function changeKeyOf(
  systemId: string,
  moduleName: string,
  index: number,
  key: string,
): string {
  return `${systemId}|${moduleName}|${index}|${key}`;
}

/** The key of a module slot: `${systemId}|${moduleName}|${index}`. */
export function slotKeyOf(systemId: string, moduleName: string, index: number): string {
  return `${systemId}|${moduleName}|${index}`;
}

/**
 * Every (system, module slot, status key) that should be bound, and the bind protocol over the
 * control socket: integer ids, a window of outstanding requests, client-side timeouts with
 * backoff retries, notifies routed by their echoed `meta` (falling back to a pending request id),
 * initial values marked as resyncs, and a full re-bind after every reconnect.
 */
export class BindingTable {
  private readonly slots = new Map<string, SlotBindings>();
  private readonly byChangeKey = new Map<string, Binding>();
  /** Bind requests awaiting a reply, in send order (so timeouts are found from the front). */
  private readonly requests = new Map<number, Binding>();
  private queue: Binding[] = [];
  private queueHead = 0;
  private retries: Binding[] = [];
  private open = false;
  private nextId = 1;
  private sessionFirstId = 1;
  private boundCount = 0;
  private deniedCount = 0;
  private readonly now: () => number;

  constructor(private readonly options: BindingTableOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Bindings wanted (slots × keys). */
  get size(): number {
    return this.byChangeKey.size;
  }

  get pending(): number {
    return this.requests.size;
  }

  get bound(): number {
    return this.boundCount;
  }

  /** Every binding is bound, or refused for good (access denied): the first sync is complete. */
  get allBound(): boolean {
    return this.open && this.boundCount + this.deniedCount === this.byChangeKey.size;
  }

  /** Bindings PlaceOS refused with access_denied (retried only at the slowest backoff). */
  get denied(): number {
    return this.deniedCount;
  }

  /** Slot keys (`sys|mod|idx`) currently held. */
  slotKeys(): IterableIterator<string> {
    return this.slots.keys();
  }

  moduleOfSlot(slotKey: string): string | undefined {
    return this.slots.get(slotKey)?.moduleId;
  }

  /**
   * Makes the slot hold `moduleId` and bind `keys` (in addition to keys it already binds).
   * When another module now holds the slot, its old bindings are dropped and re-made so the
   * initial notifies deliver the new module's values at these coordinates.
   */
  setSlot(
    systemId: string,
    moduleName: string,
    index: number,
    moduleId: string,
    keys: Iterable<string>,
  ): void {
    const slotKey = slotKeyOf(systemId, moduleName, index);
    let slot = this.slots.get(slotKey);
    if (slot && slot.moduleId !== moduleId) {
      this.removeSlot(slotKey);
      slot = undefined;
    }
    if (!slot) {
      slot = { moduleId, keys: new Map() };
      this.slots.set(slotKey, slot);
    }
    for (const key of keys) {
      if (slot.keys.has(key)) continue;
      const binding: Binding = {
        changeKey: changeKeyOf(systemId, moduleName, index, key),
        systemId,
        moduleName,
        index,
        key,
        moduleId,
        state: 'idle',
        requestId: 0,
        sentAt: 0,
        successAt: 0,
        attempts: 0,
        retryAt: 0,
        awaitingInitial: false,
        removed: false,
        denied: false,
      };
      slot.keys.set(key, binding);
      this.byChangeKey.set(binding.changeKey, binding);
      if (this.open) this.enqueue(binding);
    }
    this.pump();
  }

  /** Stops binding a slot that no longer exists, unbinding its keys on the open socket. */
  removeSlot(slotKey: string): void {
    const slot = this.slots.get(slotKey);
    if (!slot) return;
    this.slots.delete(slotKey);
    for (const binding of slot.keys.values()) {
      binding.removed = true;
      this.byChangeKey.delete(binding.changeKey);
      if (binding.state === 'bound') this.boundCount--;
      this.setDenied(binding, false);
      if (binding.state === 'pending') this.requests.delete(binding.requestId);
      if (this.open && binding.requestId >= this.sessionFirstId) {
        this.options.send(this.request('unbind', binding));
      }
    }
    this.pump();
  }

  onOpen(): void {
    this.open = true;
    this.sessionFirstId = this.nextId;
    this.queue = [];
    this.queueHead = 0;
    this.retries = [];
    for (const binding of this.byChangeKey.values()) {
      binding.attempts = 0;
      this.enqueue(binding);
    }
    this.pump();
  }

  /** PlaceOS drops every binding with the session: all must be re-made on the next socket. */
  onClose(): void {
    this.open = false;
    this.requests.clear();
    this.queue = [];
    this.queueHead = 0;
    this.retries = [];
    this.boundCount = 0;
    for (const binding of this.byChangeKey.values()) {
      binding.state = 'idle';
      binding.awaitingInitial = false;
    }
  }

  /** Times out unanswered binds and re-queues due retries. Call about once a second. */
  sweep(): void {
    const now = this.now();
    for (const [id, binding] of this.requests) {
      if (now - binding.sentAt < this.options.timeoutMs) break;
      this.requests.delete(id);
      this.options.log.warn(
        'bind-timeout',
        { sys: binding.systemId, mod: binding.moduleName, index: binding.index, name: binding.key },
        'PlaceOS did not answer a bind in time; will retry',
      );
      this.scheduleRetry(binding, now);
    }
    if (this.open && this.retries.length > 0) {
      const due = this.retries.filter((b) => b.retryAt <= now);
      this.retries = this.retries.filter((b) => b.retryAt > now);
      for (const binding of due) {
        if (!binding.removed && binding.state === 'idle') this.enqueue(binding);
      }
    }
    this.pump();
  }

  /** Applies one parsed control frame. */
  handle(frame: ControlFrame, receivedAt: number): void {
    switch (frame.kind) {
      case 'success':
        this.onSuccess(frame.id);
        return;
      case 'notify':
        this.onNotify(frame, receivedAt);
        return;
      case 'error':
        this.onError(frame);
        return;
      default:
        return;
    }
  }

  private onSuccess(id: number): void {
    const binding = this.requests.get(id);
    // Replies to unbinds, to removed slots and to binds that already timed out need nothing: a
    // timed-out bind is re-sent, and PlaceOS answers the repeat with a success too.
    if (!binding) return;
    this.requests.delete(id);
    if (!binding.removed) this.markBound(binding);
    this.pump();
  }

  private onNotify(frame: Extract<ControlFrame, { kind: 'notify' }>, receivedAt: number): void {
    const meta = frame.meta;
    let binding = meta
      ? this.byChangeKey.get(changeKeyOf(meta.sys, meta.mod, meta.index, meta.name))
      : undefined;
    // Without meta (PlaceOS always sends it), only a bind still awaiting its reply can be matched.
    binding ??= this.requests.get(frame.id);
    if (!binding || binding.removed) {
      this.options.log.warn(
        'stray-notify',
        { id: frame.id },
        'notify for no current binding; ignored',
      );
      return;
    }
    const resync =
      binding.awaitingInitial &&
      (binding.state !== 'bound' || receivedAt - binding.successAt <= INITIAL_NOTIFY_GRACE_MS);
    binding.awaitingInitial = false;
    // A notify proves PlaceOS holds the binding even if its success was lost or timed out.
    if (binding.state === 'idle') this.markBound(binding);
    const value: JsonValue = frame.value;
    const change: StateChange = {
      systemId: binding.systemId,
      moduleName: binding.moduleName,
      index: binding.index,
      moduleId: binding.moduleId,
      key: binding.key,
      value,
      receivedAt,
      resync,
    };
    if (frame.invalidJson) change.invalidJson = true;
    this.options.emit(change);
  }

  private onError(frame: Extract<ControlFrame, { kind: 'error' }>): void {
    const binding = this.requests.get(frame.id);
    if (!binding) {
      this.options.log.warn(
        'error-frame',
        { id: frame.id, errorCode: frame.errorCode },
        'PlaceOS sent an error',
      );
      return;
    }
    this.requests.delete(frame.id);
    if (frame.errorCode === ACCESS_DENIED) this.setDenied(binding, true);
    this.options.log.warn(
      'bind-error',
      {
        sys: binding.systemId,
        mod: binding.moduleName,
        index: binding.index,
        name: binding.key,
        errorCode: frame.errorCode,
        msg: frame.message,
      },
      'PlaceOS refused a bind; will retry',
    );
    this.scheduleRetry(binding, this.now());
    this.pump();
  }

  private setDenied(binding: Binding, denied: boolean): void {
    if (binding.denied === denied) return;
    binding.denied = denied;
    this.deniedCount += denied ? 1 : -1;
  }

  private markBound(binding: Binding): void {
    this.setDenied(binding, false);
    if (binding.state !== 'bound') this.boundCount++;
    binding.state = 'bound';
    binding.successAt = this.now();
    binding.attempts = 0;
  }

  private scheduleRetry(binding: Binding, now: number): void {
    if (binding.removed) return;
    binding.state = 'idle';
    binding.retryAt =
      now +
      (binding.denied
        ? this.options.retry.maxMs
        : backoffDelay(binding.attempts, this.options.retry));
    binding.attempts++;
    this.retries.push(binding);
  }

  private enqueue(binding: Binding): void {
    if (binding.state === 'bound') this.boundCount--;
    binding.state = 'queued';
    this.queue.push(binding);
  }

  private pump(): void {
    if (!this.open) return;
    while (this.requests.size < this.options.window && this.queueHead < this.queue.length) {
      const binding = this.queue[this.queueHead++];
      if (binding.removed || binding.state !== 'queued') continue;
      const id = this.nextId++;
      binding.requestId = id;
      binding.sentAt = this.now();
      binding.state = 'pending';
      binding.awaitingInitial = true;
      if (!this.options.send(this.request('bind', binding, id))) {
        // The socket closed under us; onClose/onOpen will re-queue everything.
        binding.state = 'idle';
        return;
      }
      this.requests.set(id, binding);
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 4096 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private request(cmd: 'bind' | 'unbind', binding: Binding, id = this.nextId++): string {
    return JSON.stringify({
      id,
      cmd,
      sys: binding.systemId,
      mod: binding.moduleName,
      index: binding.index,
      name: binding.key,
    });
  }
}
