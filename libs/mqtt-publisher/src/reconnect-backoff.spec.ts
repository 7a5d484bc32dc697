import { describe, expect, it } from 'vitest';
import { ReconnectBackoff } from './reconnect-backoff';

describe('ReconnectBackoff', () => {
  it('doubles up to the maximum, jittered within the upper half, and resets', () => {
    const low = new ReconnectBackoff(100, 1000, () => 0);
    expect([1, 2, 3, 4, 5].map(() => low.next())).toEqual([50, 100, 200, 400, 500]);
    const high = new ReconnectBackoff(100, 1000, () => 1);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([100, 200, 400, 800, 1000]);
    high.reset();
    expect(high.next()).toBe(100);
  });

  it('keeps growing without overflow after many attempts', () => {
    const backoff = new ReconnectBackoff(1000, 30_000, () => 0.5);
    for (let i = 0; i < 10_000; i++) backoff.next();
    expect(backoff.next()).toBe(22_500);
  });
});
