/**
 * Brokers measure their per-connection quota on their own clock, after the network: jitter can
 * bring two sends 1,000 ms apart to within 1,000 ms of each other on arrival. The window is
 * longer than a second by this margin, so such jitter cannot push the broker's count over.
 */
export const LIMIT_WINDOW_MARGIN_MS = 50;
const SECOND_MS = 1000;

export interface RateLimits {
  /** Messages per second; undefined: unlimited. Below 1, one message per 1/rate seconds. */
  messagesPerSecond?: number;
  /** Bytes per second; undefined: unlimited. */
  bytesPerSecond?: number;
}

/**
 * A rate limit that holds in every sliding second, not just on average: it keeps a log of the
 * last sends (a ring of the last N send times for the message limit, a queue of recent sends
 * and their sizes for the byte limit) and allows a send only if the window ending now stays
 * within both limits. A token bucket, by contrast, lets a full bucket go out right after the
 * refill of an idle moment: twice the limit within one second.
 *
 * A send is `reserve`d when decided and `written` when its bytes reach the socket. Between the
 * two (a busy event loop can make that a hundred milliseconds) it counts as happening now, so
 * a burst decided early but written late cannot make room for the next one too soon.
 */
export class SlidingWindowLimiter {
  private readonly times: Float64Array;
  private readonly messageWindowMs: number;
  private ringNext = 0;
  private ringFilled = 0;

  private readonly byteWindowMs = SECOND_MS + LIMIT_WINDOW_MARGIN_MS;
  private sendTimes: number[] = [];
  private sendBytes: number[] = [];
  private head = 0;
  private bytesInWindow = 0;

  /** How many of the newest ring entries, and of the newest byte entries, await `written`. */
  private pendingRing = 0;
  private pendingBytes = 0;

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    const rate = limits.messagesPerSecond;
    const perWindow = rate === undefined ? 0 : Math.max(1, Math.floor(rate));
    this.times = new Float64Array(perWindow);
    this.messageWindowMs =
      rate === undefined ? 0 : (SECOND_MS * perWindow) / rate + LIMIT_WINDOW_MARGIN_MS;
  }

  /** Whether any limit is set (without one, sends need no bookkeeping). */
  get limited(): boolean {
    return this.times.length > 0 || this.limits.bytesPerSecond !== undefined;
  }

  /** Whether a message of `bytes` can never be sent (larger than a whole second's bytes). */
  exceedsByteRate(bytes: number): boolean {
    return this.limits.bytesPerSecond !== undefined && bytes > this.limits.bytesPerSecond;
  }

  /** Milliseconds until a message of `bytes` may be sent: 0 now, Infinity never. */
  delayFor(bytes: number): number {
    if (this.exceedsByteRate(bytes)) return Infinity;
    const now = this.now();
    return Math.max(this.messageDelay(now), this.byteDelay(now, bytes));
  }

  /** Counts a send of `bytes` decided now; `written` says when it reached the socket. */
  reserve(bytes: number): void {
    const now = this.now();
    if (this.times.length > 0) {
      this.times[this.ringNext] = now;
      this.ringNext = (this.ringNext + 1) % this.times.length;
      this.ringFilled = Math.min(this.ringFilled + 1, this.times.length);
      // A forced send over a ring of unwritten ones overwrites the oldest of them.
      this.pendingRing = Math.min(this.pendingRing + 1, this.times.length);
    }
    if (this.limits.bytesPerSecond !== undefined) {
      this.sendTimes.push(now);
      this.sendBytes.push(bytes);
      this.bytesInWindow += bytes;
      this.pendingBytes++;
    }
  }

  /** The oldest reserved send was written to the socket now. */
  written(): void {
    const now = this.now();
    if (this.pendingRing > 0) {
      const slot = (this.ringNext - this.pendingRing + this.times.length) % this.times.length;
      this.times[slot] = now;
      this.pendingRing--;
    }
    if (this.pendingBytes > 0) {
      this.sendTimes[this.sendTimes.length - this.pendingBytes] = now;
      this.pendingBytes--;
    }
  }

  /** The connection went away: reserved sends will never be written (they keep their time). */
  abandonPending(): void {
    this.pendingRing = 0;
    this.pendingBytes = 0;
  }

  /** Reserves and marks written at once: a send decided and done now. */
  tryTake(bytes: number): boolean {
    if (this.delayFor(bytes) > 0) return false;
    this.reserve(bytes);
    this.written();
    return true;
  }

  private messageDelay(now: number): number {
    // Full ring: the oldest of the last N sends must have left the window before one more.
    if (this.times.length === 0 || this.ringFilled < this.times.length) return 0;
    // Every send in the ring still waits to be written: the oldest leaves a window from now.
    if (this.pendingRing >= this.times.length) return this.messageWindowMs;
    const oldest = this.times[this.ringNext];
    return Math.max(0, oldest + this.messageWindowMs - now);
  }

  private byteDelay(now: number, bytes: number): number {
    const limit = this.limits.bytesPerSecond;
    if (limit === undefined) return 0;
    this.expireBytes(now);
    let excess = this.bytesInWindow + bytes - limit;
    if (excess <= 0) return 0;
    // The sends that must leave the window first, oldest first: wait for the last of them.
    const firstPending = this.sendTimes.length - this.pendingBytes;
    for (let i = this.head; i < this.sendTimes.length; i++) {
      excess -= this.sendBytes[i];
      const sentAt = i >= firstPending ? now : this.sendTimes[i];
      if (excess <= 0) return Math.max(0, sentAt + this.byteWindowMs - now);
    }
    return Infinity;
  }

  private expireBytes(now: number): void {
    const firstPending = this.sendTimes.length - this.pendingBytes;
    while (this.head < firstPending && this.sendTimes[this.head] + this.byteWindowMs <= now) {
      this.bytesInWindow -= this.sendBytes[this.head];
      this.head++;
    }
    // Compacts now and then, so the arrays hold about one window of sends.
    if (this.head > 1024 && this.head * 2 > this.sendTimes.length) {
      this.sendTimes = this.sendTimes.slice(this.head);
      this.sendBytes = this.sendBytes.slice(this.head);
      this.head = 0;
    }
  }
}
