/** One value handed to a consumer. The key stays "in flight" until `done()` is called. */
export interface QueueLease<T> {
  readonly key: string;
  readonly value: T;
  /** Releases the key; a value that arrived meanwhile becomes deliverable. Idempotent. */
  done(): void;
}

interface Entry<T> {
  value: T | undefined;
  /** A value is waiting to be delivered (queued, or parked while the key is in flight). */
  pending: boolean;
  inFlight: boolean;
}

/**
 * A keyed, latest-value-wins queue with per-key sequencing.
 *
 * While a key's value waits, a newer value replaces it in place (it keeps its place in line), so
 * memory is bounded by the number of distinct keys, not by the event rate. A key is never handed
 * out twice at once: a value pushed while the key is in flight is parked and becomes deliverable
 * when the consumer calls `done()`. Hence per-key order is preserved and a slow consumer only
 * ever sees the latest value of a key, like PlaceOS's own Redis-backed state.
 */
export class CoalescingQueue<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private ready: string[] = [];
  private head = 0;
  private readonly waiters: Array<(lease: QueueLease<T> | undefined) => void> = [];
  private closed = false;
  private coalescedCount = 0;
  private pushedCount = 0;
  private pendingCount = 0;
  private inFlightCount = 0;

  /** Keys with a value waiting (not counting keys only in flight). */
  get size(): number {
    return this.pendingCount;
  }

  /** Keys ready to be taken right now. */
  get readyCount(): number {
    return this.ready.length - this.head;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Distinct keys held (pending or in flight): the memory bound. */
  get keyCount(): number {
    return this.entries.size;
  }

  get stats(): { pushed: number; coalesced: number } {
    return { pushed: this.pushedCount, coalesced: this.coalescedCount };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(key: string, value: T): void {
    if (this.closed) return;
    this.pushedCount++;
    const entry = this.entries.get(key);
    if (!entry) {
      this.entries.set(key, { value, pending: true, inFlight: false });
      this.pendingCount++;
      this.makeReady(key);
      return;
    }
    if (entry.pending) this.coalescedCount++;
    else this.pendingCount++;
    entry.value = value;
    entry.pending = true;
    // Queued entries keep their place; in-flight ones are re-queued by done().
  }

  tryTake(): QueueLease<T> | undefined {
    while (this.head < this.ready.length) {
      const key = this.ready[this.head++];
      this.compact();
      const lease = this.lease(key);
      if (lease) return lease;
    }
    return undefined;
  }

  /**
   * Waits for the next deliverable value. Resolves `undefined` when the queue is closed or the
   * signal aborts (so a consumer can also wait for other things).
   */
  take(signal?: AbortSignal): Promise<QueueLease<T> | undefined> {
    const now = this.tryTake();
    if (now || this.closed || signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter = (lease: QueueLease<T> | undefined): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(lease);
      };
      const onAbort = (): void => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Drops everything and wakes all waiters with `undefined`. */
  close(): void {
    this.closed = true;
    this.entries.clear();
    this.ready = [];
    this.head = 0;
    this.pendingCount = 0;
    this.inFlightCount = 0;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private makeReady(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(this.lease(key));
      return;
    }
    this.ready.push(key);
  }

  private lease(key: string): QueueLease<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry || !entry.pending || entry.inFlight) return undefined;
    const value = entry.value as T;
    entry.value = undefined;
    entry.pending = false;
    entry.inFlight = true;
    this.pendingCount--;
    this.inFlightCount++;
    let released = false;
    return {
      key,
      value,
      done: () => {
        if (released) return;
        released = true;
        this.release(key, entry);
      },
    };
  }

  private release(key: string, entry: Entry<T>): void {
    // The entry may belong to a closed generation of the queue: ignore it then.
    if (this.entries.get(key) !== entry) return;
    entry.inFlight = false;
    this.inFlightCount--;
    if (entry.pending) this.makeReady(key);
    else this.entries.delete(key);
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
  }
}
