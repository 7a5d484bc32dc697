import type { SyncPacer } from '../model/sync-pacer';
import type { CoalescingQueue } from './coalescing-queue';

/** What the pacer reads of a queue. */
export type PacedQueue = Pick<CoalescingQueue<unknown>, 'size' | 'whenSizeAtMost'>;

export interface QueuePacerLimits {
  /** Values waiting in the client's queue at which the sync stops asking for more. */
  high: number;
  /** Values waiting the queue must come down to before it asks again. */
  low: number;
}

const DEFAULT_LIMITS: QueuePacerLimits = { high: 5_000, low: 1_000 };

/**
 * The client's own part of pacing a first sync: initial values are read (hash reads, binds)
 * only while the client's queue of changes not yet taken by the consumer is short, and then
 * only as fast as the consumer's pacer allows. The consumer's pacer sees only what reached it
 * (a broker's outbox): a Redis pipeline returns thousands of values in a millisecond, and
 * without this bound they would pile up here while the outbox still looked empty, and then
 * overflow it all at once.
 */
export class QueuePacer implements SyncPacer {
  constructor(
    private readonly queue: PacedQueue,
    private readonly consumer: SyncPacer | undefined,
    private readonly limits: QueuePacerLimits = DEFAULT_LIMITS,
  ) {}

  canTakeMore(): boolean {
    return this.queue.size < this.limits.high && (this.consumer?.canTakeMore() ?? true);
  }

  onceReady(resume: () => void): void {
    if (this.queue.size >= this.limits.high) {
      this.queue.whenSizeAtMost(this.limits.low, resume);
    } else if (this.consumer) {
      this.consumer.onceReady(resume);
    } else {
      queueMicrotask(resume);
    }
  }
}
