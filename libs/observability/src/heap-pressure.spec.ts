import { describe, expect, it } from 'vitest';
import { HeapPressure } from './heap-pressure';

const MB = 1048576;

describe('HeapPressure', () => {
  it('stays quiet below the threshold', () => {
    const pressure = new HeapPressure(0.85, 1000);
    expect(pressure.check({ used_heap_size: 100 * MB, heap_size_limit: 192 * MB }, 0)).toBe(
      undefined,
    );
  });

  it('warns at the threshold with rounded figures, then not again until repeatMs passed', () => {
    const pressure = new HeapPressure(0.85, 1000);
    const high = { used_heap_size: 170 * MB, heap_size_limit: 192 * MB };
    expect(pressure.check(high, 0)).toEqual({ usedMb: 170, limitMb: 192, ratio: 0.89 });
    expect(pressure.check(high, 999)).toBe(undefined);
    expect(pressure.check(high, 1000)).toEqual({ usedMb: 170, limitMb: 192, ratio: 0.89 });
  });

  it('ignores a nonsensical reading (zero limit) instead of warning forever', () => {
    const pressure = new HeapPressure();
    expect(pressure.check({ used_heap_size: 0, heap_size_limit: 0 }, 0)).toBe(undefined);
  });
});
