import type { SyncPacer } from '../model/sync-pacer';
import { type BackoffOptions, backoffDelay } from '../util/backoff';
import { PacerGate } from '../util/pacer-gate';
import type { RateLimitedLog } from '../util/rate-limited-log';
import { BindingFlag, type BindingSlot, BindingState } from './binding-slot';

/** Limits of the bind protocol and how its requests leave. */
export interface BindRequestsOptions {
  /** Bind requests outstanding at once. */
  window: number;
  /** A bind without a reply after this long is retried (PlaceOS drops bad requests silently). */
  timeoutMs: number;
  retry: BackoffOptions;
  /** Sends a text frame; false when the socket is not open. */
  send: (text: string) => boolean;
  log: RateLimitedLog;
  /** Holds binds back while the consumer is behind (see SyncPacer). */
  pacer?: SyncPacer;
}

/** A bind request awaiting its reply (at most `window` of them exist at once). */
export interface OutstandingBind {
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

/**
 * The sending side of one socket's bind protocol: bindings queued to send, a window of requests
 * awaiting their reply, client-side timeouts, and retries waiting out their backoff. Which
 * bindings exist and what the replies mean is the BindingTable's; this decides when each bind
 * goes out. Nothing is sent while the socket is closed.
 */
export class BindRequests {
  /** Bind requests awaiting a reply, in send order (so timeouts are found from the front). */
  private readonly outstanding = new Map<number, OutstandingBind>();
  /** Bindings to send, as parallel slot/position columns read from `queueHead`. */
  private queueSlots: BindingSlot[] = [];
  private queuePositions: number[] = [];
  private queueHead = 0;
  private retries: ScheduledRetry[] = [];
  private isOpen = false;
  private nextId = 1;
  private readonly gate: PacerGate;

  constructor(
    private readonly options: BindRequestsOptions,
    private readonly now: () => number,
  ) {
    this.gate = new PacerGate(options.pacer, () => this.pump());
  }

  get open(): boolean {
    return this.isOpen;
  }

  /** Bind requests awaiting a reply. */
  get pending(): number {
    return this.outstanding.size;
  }

  /** A new session: what was queued for the old one is dropped (the caller queues it all again). */
  opened(): void {
    this.isOpen = true;
    this.clearQueues();
  }

  /** PlaceOS answers nothing of a closed session. */
  closed(): void {
    this.isOpen = false;
    this.outstanding.clear();
    this.clearQueues();
  }

  /** Queues a binding to be sent by a later `pump`. */
  queue(slot: BindingSlot, position: number): void {
    slot.setState(position, BindingState.Queued);
    this.queueSlots.push(slot);
    this.queuePositions.push(position);
  }

  /** The request `id` if it still awaits a reply (it may have timed out or been dropped). */
  find(id: number): OutstandingBind | undefined {
    return this.outstanding.get(id);
  }

  /** Like `find`, and the request no longer awaits a reply. */
  settle(id: number): OutstandingBind | undefined {
    const outstanding = this.outstanding.get(id);
    if (outstanding) this.outstanding.delete(id);
    return outstanding;
  }

  /** Forgets the outstanding requests of a dropped slot: their replies are ignored. */
  dropSlot(slot: BindingSlot): void {
    for (const [id, outstanding] of this.outstanding) {
      if (outstanding.slot === slot) this.outstanding.delete(id);
    }
  }

  unbind(slot: BindingSlot, position: number): void {
    this.options.send(this.request('unbind', slot, position));
  }

  /** Idles the binding and queues it again after its backoff (the slowest one if denied). */
  retry(slot: BindingSlot, position: number, now: number): void {
    if (slot.removed) return;
    slot.setState(position, BindingState.Idle);
    const attempts = slot.attempts(position);
    const delay = slot.hasFlag(position, BindingFlag.Denied)
      ? this.options.retry.maxMs
      : backoffDelay(attempts, this.options.retry);
    slot.setAttempts(position, attempts + 1);
    this.retries.push({ slot, position, at: now + delay });
  }

  /** Times out unanswered binds and re-queues due retries. */
  sweep(): void {
    const now = this.now();
    for (const [id, outstanding] of this.outstanding) {
      if (now - outstanding.sentAt < this.options.timeoutMs) break;
      this.outstanding.delete(id);
      const { slot, position } = outstanding;
      this.options.log.warn(
        'bind-timeout',
        { sys: slot.systemId, mod: slot.moduleName, index: slot.index, name: slot.key(position) },
        'PlaceOS did not answer a bind in time; will retry',
      );
      this.retry(slot, position, now);
    }
    if (this.isOpen && this.retries.length > 0) {
      const due = this.retries.filter((retry) => retry.at <= now);
      this.retries = this.retries.filter((retry) => retry.at > now);
      for (const { slot, position } of due) {
        if (!slot.removed && slot.state(position) === BindingState.Idle) {
          this.queue(slot, position);
        }
      }
    }
    this.pump();
  }

  /** Sends queued binds while the window and the pacer allow. */
  pump(): void {
    if (!this.isOpen || this.gate.waiting) return;
    const window = this.options.window;
    while (this.outstanding.size < window && this.queueHead < this.queueSlots.length) {
      if (!this.gate.admits()) break;
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
      this.outstanding.set(id, { slot, position, sentAt: this.now() });
    }
    this.compactQueue();
  }

  private clearQueues(): void {
    this.queueSlots = [];
    this.queuePositions = [];
    this.queueHead = 0;
    this.retries = [];
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
