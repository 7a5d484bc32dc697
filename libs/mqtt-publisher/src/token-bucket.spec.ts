import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of one second, then refills at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(100, () => now);
    let taken = 0;
    while (bucket.tryTake()) taken++;
    expect(taken).toBe(100);
    expect(bucket.msUntilNextToken()).toBe(10);
    now += 50;
    taken = 0;
    while (bucket.tryTake()) taken++;
    expect(taken).toBe(5);
    now += 10_000;
    taken = 0;
    while (bucket.tryTake()) taken++;
    expect(taken).toBe(100);
  });

  it('lets at least one message through at rates below one per second', () => {
    let now = 0;
    const bucket = new TokenBucket(0.5, () => now);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.msUntilNextToken()).toBe(2000);
    now += 2000;
    expect(bucket.tryTake()).toBe(true);
  });
});
