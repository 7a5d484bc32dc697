/**
 * Values handed to a consumer at once. Their keys stay "in flight" until `done()` is called:
 * a newer value of one of them waits until then, so one key is never handled twice at once.
 */
export interface QueueBatch<T> {
  readonly keys: readonly string[];
  readonly values: readonly T[];
  /** Releases the keys; values that arrived meanwhile become deliverable. Idempotent. */
  done(): void;
}

interface Entry<T> {
  readonly key: string;
  value: T | undefined;
  /** A value is waiting to be delivered (queued, or parked while the key is in flight). */
  pending: boolean;
  inFlight: boolean;
}

type Waiter<T> = {
  readonly max: number;
  readonly resolve: (batch: QueueBatch<T> | undefined) => void;
};

/**
 * A keyed, latest-value-wins queue with per-key sequencing, handed out in batches.
 *
 * While a key's value waits, a newer value replaces it in place (it keeps its place in line), so
 * memory is bounded by the number of distinct keys, not by the event rate. A key is never handed
 * out twice at once: a value pushed while the key is in flight is parked and becomes deliverable
 * when the consumer calls `done()` on its batch. Hence per-key order is preserved and a slow
 * consumer only ever sees the latest value of a key, like PlaceOS's own Redis-backed state.
 * A waiting consumer is woken once per run of pushes (a microtask later), so the values of one
 * socket read arrive as one batch.
 */
export class CoalescingQueue<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private ready: Entry<T>[] = [];
  private head = 0;
  private readonly waiters: Waiter<T>[] = [];
  private wakeScheduled = false;
  private closed = false;
  private coalescedCount = 0;
  private pushedCount = 0;
  private pendingCount = 0;
  private inFlightCount = 0;
  private sizeListeners: Array<{ readonly threshold: number; readonly listener: () => void }> = [];

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
      const created: Entry<T> = { key, value, pending: true, inFlight: false };
      this.entries.set(key, created);
      this.pendingCount++;
      this.makeReady(created);
      return;
    }
    if (entry.pending) this.coalescedCount++;
    else this.pendingCount++;
    entry.value = value;
    entry.pending = true;
    // Queued entries keep their place; in-flight ones are re-queued by done().
  }

  /** Up to `max` deliverable values, oldest first; undefined when none is ready. */
  tryTakeBatch(max: number): QueueBatch<T> | undefined {
    const leased: Entry<T>[] = [];
    const keys: string[] = [];
    const values: T[] = [];
    while (leased.length < max && this.head < this.ready.length) {
      const entry = this.ready[this.head++];
      if (this.entries.get(entry.key) !== entry || !entry.pending || entry.inFlight) continue;
      keys.push(entry.key);
      values.push(entry.value as T);
      entry.value = undefined;
      entry.pending = false;
      entry.inFlight = true;
      leased.push(entry);
    }
    this.compact();
    if (leased.length === 0) return undefined;
    this.pendingCount -= leased.length;
    this.inFlightCount += leased.length;
    if (this.sizeListeners.length > 0) this.notifySize();
    let released = false;
    return {
      keys,
      values,
      done: () => {
        if (released) return;
        released = true;
        for (const entry of leased) this.release(entry);
      },
    };
  }

  /**
   * Calls `listener` once, as soon as at most `threshold` keys have a value waiting (at once if
   * that is so now, or when the queue closes). Returns a canceller.
   */
  whenSizeAtMost(threshold: number, listener: () => void): () => void {
    if (this.pendingCount <= threshold || this.closed) {
      listener();
      return () => undefined;
    }
    const entry = { threshold, listener };
    this.sizeListeners.push(entry);
    return () => {
      this.sizeListeners = this.sizeListeners.filter((e) => e !== entry);
    };
  }

  /**
   * Waits for deliverable values and takes up to `max` of them. Resolves `undefined` when the
   * queue is closed or the signal aborts (so a consumer can also wait for other things).
   */
  takeBatch(max: number, signal?: AbortSignal): Promise<QueueBatch<T> | undefined> {
    const now = this.tryTakeBatch(max);
    if (now || this.closed || signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter: Waiter<T> = {
        max,
        resolve: (batch) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(batch);
        },
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
    for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
    this.notifySize();
  }

  private notifySize(): void {
    const due = this.sizeListeners.filter((e) => this.closed || this.pendingCount <= e.threshold);
    if (due.length === 0) return;
    this.sizeListeners = this.sizeListeners.filter((e) => !due.includes(e));
    for (const { listener } of due) listener();
  }

  private makeReady(entry: Entry<T>): void {
    this.ready.push(entry);
    if (this.waiters.length > 0 && !this.wakeScheduled) {
      this.wakeScheduled = true;
      queueMicrotask(() => this.wakeWaiters());
    }
  }

  private wakeWaiters(): void {
    this.wakeScheduled = false;
    while (this.waiters.length > 0) {
      const batch = this.tryTakeBatch(this.waiters[0].max);
      if (!batch) return;
      this.waiters.shift()?.resolve(batch);
    }
  }

  private release(entry: Entry<T>): void {
    // The entry may belong to a closed generation of the queue: ignore it then.
    if (this.entries.get(entry.key) !== entry) return;
    entry.inFlight = false;
    this.inFlightCount--;
    if (entry.pending) this.makeReady(entry);
    else this.entries.delete(entry.key);
  }

  private compact(): void {
    if (this.head === this.ready.length) {
      this.ready = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
  }
}
