/** What `v8.getHeapStatistics()` reports that matters here. */
export interface HeapReading {
  used_heap_size: number;
  heap_size_limit: number;
}

export interface HeapPressureWarning {
  usedMb: number;
  limitMb: number;
  ratio: number;
}

/**
 * Decides when the heap is close to its cap (`--max-old-space-size`, 192 MB in the shipped
 * configuration): a portfolio larger than the cap was sized for ends in a V8 out-of-memory
 * crash, so the operator is warned while there is still time to raise it. Warns at most once
 * per `repeatMs` while the pressure lasts.
 */
export class HeapPressure {
  private lastWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly threshold = 0.85,
    private readonly repeatMs = 10 * 60_000,
  ) {}

  check(reading: HeapReading, now: number): HeapPressureWarning | undefined {
    const ratio = reading.used_heap_size / reading.heap_size_limit;
    if (!(ratio >= this.threshold)) return undefined;
    if (now - this.lastWarnedAt < this.repeatMs) return undefined;
    this.lastWarnedAt = now;
    return {
      usedMb: Math.round(reading.used_heap_size / 1048576),
      limitMb: Math.round(reading.heap_size_limit / 1048576),
      ratio: Math.round(ratio * 100) / 100,
    };
  }
}
