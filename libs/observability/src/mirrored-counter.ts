import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

/**
 * A Prometheus counter that follows a running total another component keeps (a broker
 * connection counts its deliveries and reconnects itself). prom-client's Counter can only be
 * incremented, so each sync adds what the total grew by since the last one; the series then
 * behaves as a counter for rate() and increase(), which a gauge set to the total would not.
 */
export class MirroredCounter<T extends string> {
  readonly counter: Counter<T>;
  private readonly lastTotals = new Map<string, number>();

  constructor(configuration: CounterConfiguration<T>) {
    this.counter = new Counter(configuration);
  }

  /** Brings the series for `labels` up to `total`, the owner's current count. */
  sync(labels: LabelValues<T>, total: number): void {
    if (!Number.isFinite(total) || total < 0) return;
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    const last = this.lastTotals.get(key);
    this.lastTotals.set(key, total);
    // A total below the last one means its owner started counting again from zero (a new
    // connection object): everything it counted since is new.
    const growth = last === undefined || total < last ? total : total - last;
    // Adding 0 on the first sync still creates the series, so dashboards see it at 0.
    if (last === undefined || growth > 0) this.counter.inc(labels, growth);
  }
}
