/**
 * Exponential reconnect delays with "equal jitter": each delay is drawn from the upper half of
 * `min(max, base * 2^attempt)`, so replicas that lost the same broker do not reconnect in step.
 */
export class ReconnectBackoff {
  private attempt = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; grows with each call until `reset`. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }
}
