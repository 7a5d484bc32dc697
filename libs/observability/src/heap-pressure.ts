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
 * Decides when the heap is close to V8's limit (which Node sizes from the memory the process
 * may use, e.g. the container's limit): a portfolio larger than the memory given would end in a
 * V8 out-of-memory crash, so the operator is warned while there is still time to give more.
 * Warns at most once per `repeatMs` while the pressure lasts.
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
