import type { StateChange } from '../model/state-change';
import type { SyncPacer } from '../model/sync-pacer';
import { type BackoffOptions, backoffDelay } from '../util/backoff';
import type { RateLimitedLog } from '../util/rate-limited-log';
import { BindingFlag, BindingSlot, BindingState } from './binding-slot';
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
  /** Holds binds back while the consumer is behind (see SyncPacer). */
  pacer?: SyncPacer;
  now?: () => number;
}

/** A bind request awaiting its reply (at most `window` of them exist at once). */
interface OutstandingBind {
  readonly slot: BindingSlot;
  readonly position: number;
  readonly sentAt: number;
}

/** A binding waiting out its backoff before it is queued again. */
interface ScheduledRetry {
  readonly slot: BindingSlot;
  readonly position: number;
  readonly at: number;
}

/** `error_code` 2: the key cannot be bound with these credentials; retrying soon is pointless. */
const ACCESS_DENIED = 2;

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
 *
 * A binding is a position in a `BindingSlot` (slot -> key), not an object of its own: per-request
 * data lives in `requests` only while a request is outstanding.
 */
export class BindingTable {
  private readonly slots = new Map<string, BindingSlot>();
  /** Bind requests awaiting a reply, in send order (so timeouts are found from the front). */
  private readonly requests = new Map<number, OutstandingBind>();
  /** Bindings to send, as parallel slot/position columns read from `queueHead`. */
  private queueSlots: BindingSlot[] = [];
  private queuePositions: number[] = [];
  private queueHead = 0;
  private retries: ScheduledRetry[] = [];
  private open = false;
  private waitingForPacer = false;
  private nextId = 1;
  private bindingCount = 0;
  private boundCount = 0;
  private deniedCount = 0;
  private readonly now: () => number;

  constructor(private readonly options: BindingTableOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Bindings wanted (slots × keys). */
  get size(): number {
    return this.bindingCount;
  }

  get pending(): number {
    return this.requests.size;
  }

  get bound(): number {
    return this.boundCount;
  }

  /** Every binding is bound, or refused for good (access denied): the first sync is complete. */
  get allBound(): boolean {
    return this.open && this.boundCount + this.deniedCount === this.bindingCount;
  }

  /** Bindings PlaceOS refused with access_denied (retried only at the slowest backoff). */
  get denied(): number {
    return this.deniedCount;
  }

  /** Slot keys (`sys|mod|idx`) currently held. */
  slotKeys(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** The status keys a slot binds, in binding order. */
  keysOfSlot(slotKey: string): string[] {
    const slot = this.slots.get(slotKey);
    if (!slot) return [];
    const keys: string[] = [];
    for (let position = 0; position < slot.size; position++) keys.push(slot.key(position));
    return keys;
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
      slot = new BindingSlot(systemId, moduleName, index, moduleId);
      this.slots.set(slotKey, slot);
    }
    const before = slot.size;
    slot.addKeys(keys);
    this.bindingCount += slot.size - before;
    if (this.open) {
      for (let position = before; position < slot.size; position++) this.enqueue(slot, position);
    }
    this.pump();
  }

  /** Stops binding a slot that no longer exists, unbinding its keys on the open socket. */
  removeSlot(slotKey: string): void {
    const slot = this.slots.get(slotKey);
    if (!slot) return;
    this.slots.delete(slotKey);
    slot.removed = true;
    this.bindingCount -= slot.size;
    let pendingInSlot = 0;
    for (let position = 0; position < slot.size; position++) {
      const state = slot.state(position);
      if (state === BindingState.Bound) this.boundCount--;
      else if (state === BindingState.Pending) pendingInSlot++;
      this.setDenied(slot, position, false);
      if (this.open && slot.hasFlag(position, BindingFlag.SentThisSession)) {
        this.options.send(this.request('unbind', slot, position));
      }
    }
    if (pendingInSlot > 0) {
      for (const [id, outstanding] of this.requests) {
        if (outstanding.slot === slot) this.requests.delete(id);
      }
    }
    this.pump();
  }

  onOpen(): void {
    this.open = true;
    this.clearQueues();
    for (const slot of this.slots.values()) {
      for (let position = 0; position < slot.size; position++) {
        slot.setFlag(position, BindingFlag.SentThisSession, false);
        slot.setAttempts(position, 0);
        this.enqueue(slot, position);
      }
    }
    this.pump();
  }

  /** PlaceOS drops every binding with the session: all must be re-made on the next socket. */
  onClose(): void {
    this.open = false;
    this.requests.clear();
    this.clearQueues();
    this.boundCount = 0;
    for (const slot of this.slots.values()) {
      for (let position = 0; position < slot.size; position++) {
        slot.setState(position, BindingState.Idle);
        slot.setFlag(position, BindingFlag.AwaitingInitial, false);
      }
    }
  }

  /** Times out unanswered binds and re-queues due retries. Call about once a second. */
  sweep(): void {
    const now = this.now();
    for (const [id, outstanding] of this.requests) {
      if (now - outstanding.sentAt < this.options.timeoutMs) break;
      this.requests.delete(id);
      const { slot, position } = outstanding;
      this.options.log.warn(
        'bind-timeout',
        { sys: slot.systemId, mod: slot.moduleName, index: slot.index, name: slot.key(position) },
        'PlaceOS did not answer a bind in time; will retry',
      );
      this.scheduleRetry(slot, position, now);
    }
    if (this.open && this.retries.length > 0) {
      const due = this.retries.filter((retry) => retry.at <= now);
      this.retries = this.retries.filter((retry) => retry.at > now);
      for (const { slot, position } of due) {
        if (!slot.removed && slot.state(position) === BindingState.Idle) {
          this.enqueue(slot, position);
        }
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
    const outstanding = this.requests.get(id);
    // Replies to unbinds, to removed slots and to binds that already timed out need nothing: a
    // timed-out bind is re-sent, and PlaceOS answers the repeat with a success too.
    if (!outstanding) return;
    this.requests.delete(id);
    if (!outstanding.slot.removed) this.markBound(outstanding.slot, outstanding.position);
    this.pump();
  }

  private onNotify(frame: Extract<ControlFrame, { kind: 'notify' }>, receivedAt: number): void {
    const meta = frame.meta;
    let slot: BindingSlot | undefined;
    let position = -1;
    if (meta) {
      slot = this.slots.get(slotKeyOf(meta.sys, meta.mod, meta.index));
      position = slot ? slot.positionOf(meta.name) : -1;
    }
    if (position < 0) {
      // Without meta (PlaceOS always sends it), only a bind still awaiting its reply can be matched.
      const outstanding = this.requests.get(frame.id);
      slot = outstanding?.slot;
      position = outstanding ? outstanding.position : -1;
    }
    if (!slot || position < 0 || slot.removed) {
      this.options.log.warn(
        'stray-notify',
        { id: frame.id },
        'notify for no current binding; ignored',
      );
      return;
    }
    const state = slot.state(position);
    const resync =
      slot.hasFlag(position, BindingFlag.AwaitingInitial) &&
      (state !== BindingState.Bound ||
        receivedAt - slot.successAt(position) <= INITIAL_NOTIFY_GRACE_MS);
    slot.setFlag(position, BindingFlag.AwaitingInitial, false);
    // A notify proves PlaceOS holds the binding even if its success was lost or timed out.
    if (state === BindingState.Idle) this.markBound(slot, position);
    const change: StateChange = {
      systemId: slot.systemId,
      moduleName: slot.moduleName,
      index: slot.index,
      moduleId: slot.moduleId,
      key: slot.key(position),
      json: frame.json,
      receivedAt,
      resync,
    };
    if (frame.invalidJson) change.invalidJson = true;
    this.options.emit(change);
  }

  private onError(frame: Extract<ControlFrame, { kind: 'error' }>): void {
    const outstanding = this.requests.get(frame.id);
    if (!outstanding) {
      this.options.log.warn(
        'error-frame',
        { id: frame.id, errorCode: frame.errorCode },
        'PlaceOS sent an error',
      );
      return;
    }
    this.requests.delete(frame.id);
    const { slot, position } = outstanding;
    if (frame.errorCode === ACCESS_DENIED) this.setDenied(slot, position, true);
    this.options.log.warn(
      'bind-error',
      {
        sys: slot.systemId,
        mod: slot.moduleName,
        index: slot.index,
        name: slot.key(position),
        errorCode: frame.errorCode,
        msg: frame.message,
      },
      'PlaceOS refused a bind; will retry',
    );
    this.scheduleRetry(slot, position, this.now());
    this.pump();
  }

  private setDenied(slot: BindingSlot, position: number, denied: boolean): void {
    if (slot.hasFlag(position, BindingFlag.Denied) === denied) return;
    slot.setFlag(position, BindingFlag.Denied, denied);
    this.deniedCount += denied ? 1 : -1;
  }

  private markBound(slot: BindingSlot, position: number): void {
    this.setDenied(slot, position, false);
    if (slot.state(position) !== BindingState.Bound) this.boundCount++;
    slot.setState(position, BindingState.Bound);
    slot.setSuccessAt(position, this.now());
    slot.setAttempts(position, 0);
  }

  private scheduleRetry(slot: BindingSlot, position: number, now: number): void {
    if (slot.removed) return;
    slot.setState(position, BindingState.Idle);
    const attempts = slot.attempts(position);
    const delay = slot.hasFlag(position, BindingFlag.Denied)
      ? this.options.retry.maxMs
      : backoffDelay(attempts, this.options.retry);
    slot.setAttempts(position, attempts + 1);
    this.retries.push({ slot, position, at: now + delay });
  }

  private enqueue(slot: BindingSlot, position: number): void {
    if (slot.state(position) === BindingState.Bound) this.boundCount--;
    slot.setState(position, BindingState.Queued);
    this.queueSlots.push(slot);
    this.queuePositions.push(position);
  }

  private clearQueues(): void {
    this.queueSlots = [];
    this.queuePositions = [];
    this.queueHead = 0;
    this.retries = [];
  }

  private pump(): void {
    if (!this.open || this.waitingForPacer) return;
    const window = this.options.window;
    const pacer = this.options.pacer;
    while (this.requests.size < window && this.queueHead < this.queueSlots.length) {
      if (pacer && !pacer.canTakeMore()) {
        this.waitingForPacer = true;
        pacer.onceReady(() => {
          this.waitingForPacer = false;
          this.pump();
        });
        break;
      }
      const slot = this.queueSlots[this.queueHead];
      const position = this.queuePositions[this.queueHead++];
      if (slot.removed || slot.state(position) !== BindingState.Queued) continue;
      const id = this.nextId++;
      slot.setState(position, BindingState.Pending);
      slot.setFlag(position, BindingFlag.AwaitingInitial, true);
      slot.setFlag(position, BindingFlag.SentThisSession, true);
      if (!this.options.send(this.request('bind', slot, position, id))) {
        // The socket closed under us; onClose/onOpen will re-queue everything.
        slot.setState(position, BindingState.Idle);
        return;
      }
      this.requests.set(id, { slot, position, sentAt: this.now() });
    }
    this.compactQueue();
  }

  /** Releases the queue once drained (after the initial sync it held every binding). */
  private compactQueue(): void {
    if (this.queueHead === this.queueSlots.length) {
      this.queueSlots = [];
      this.queuePositions = [];
      this.queueHead = 0;
    } else if (this.queueHead > 4096 && this.queueHead * 2 > this.queueSlots.length) {
      this.queueSlots = this.queueSlots.slice(this.queueHead);
      this.queuePositions = this.queuePositions.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private request(
    cmd: 'bind' | 'unbind',
    slot: BindingSlot,
    position: number,
    id = this.nextId++,
  ): string {
    return JSON.stringify({
      id,
      cmd,
      sys: slot.systemId,
      mod: slot.moduleName,
      index: slot.index,
      name: slot.key(position),
    });
  }
}
