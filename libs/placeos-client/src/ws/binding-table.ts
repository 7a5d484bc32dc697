import type { StateChange } from '../model/state-change';
import { BindRequests, type BindRequestsOptions } from './bind-requests';
import { BindingFlag, BindingSlot, BindingState } from './binding-slot';
import type { ControlFrame } from './control-frame';

/** Limits of the bind protocol and where its output goes. */
export interface BindingTableOptions extends BindRequestsOptions {
  emit: (change: StateChange) => void;
  now?: () => number;
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
 * control socket: notifies routed by their echoed `meta` (falling back to a pending request id),
 * initial values marked as resyncs, and a full re-bind after every reconnect. When each bind is
 * sent (window, timeouts, backoff retries) is up to `BindRequests`.
 *
 * A binding is a position in a `BindingSlot` (slot -> key), not an object of its own: per-request
 * data lives in `requests` only while a request is outstanding.
 */
export class BindingTable {
  private readonly slots = new Map<string, BindingSlot>();
  private readonly requests: BindRequests;
  private bindingCount = 0;
  private boundCount = 0;
  private deniedCount = 0;
  private readonly now: () => number;

  constructor(private readonly options: BindingTableOptions) {
    this.now = options.now ?? Date.now;
    this.requests = new BindRequests(options, this.now);
  }

  /** Bindings wanted (slots × keys). */
  get size(): number {
    return this.bindingCount;
  }

  get pending(): number {
    return this.requests.pending;
  }

  get bound(): number {
    return this.boundCount;
  }

  /** Every binding is bound, or refused for good (access denied): the first sync is complete. */
  get allBound(): boolean {
    return this.requests.open && this.boundCount + this.deniedCount === this.bindingCount;
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
    if (this.requests.open) {
      for (let position = before; position < slot.size; position++) this.enqueue(slot, position);
    }
    this.requests.pump();
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
      if (this.requests.open && slot.hasFlag(position, BindingFlag.SentThisSession)) {
        this.requests.unbind(slot, position);
      }
    }
    if (pendingInSlot > 0) this.requests.dropSlot(slot);
    this.requests.pump();
  }

  onOpen(): void {
    this.requests.opened();
    for (const slot of this.slots.values()) {
      for (let position = 0; position < slot.size; position++) {
        slot.setFlag(position, BindingFlag.SentThisSession, false);
        slot.setAttempts(position, 0);
        this.enqueue(slot, position);
      }
    }
    this.requests.pump();
  }

  /** PlaceOS drops every binding with the session: all must be re-made on the next socket. */
  onClose(): void {
    this.requests.closed();
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
    this.requests.sweep();
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
    const outstanding = this.requests.settle(id);
    // Replies to unbinds, to removed slots and to binds that already timed out need nothing: a
    // timed-out bind is re-sent, and PlaceOS answers the repeat with a success too.
    if (!outstanding) return;
    if (!outstanding.slot.removed) this.markBound(outstanding.slot, outstanding.position);
    this.requests.pump();
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
      const outstanding = this.requests.find(frame.id);
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
    const outstanding = this.requests.settle(frame.id);
    if (!outstanding) {
      this.options.log.warn(
        'error-frame',
        { id: frame.id, errorCode: frame.errorCode },
        'PlaceOS sent an error',
      );
      return;
    }
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
    this.requests.retry(slot, position, this.now());
    this.requests.pump();
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

  private enqueue(slot: BindingSlot, position: number): void {
    if (slot.state(position) === BindingState.Bound) this.boundCount--;
    this.requests.queue(slot, position);
  }
}
