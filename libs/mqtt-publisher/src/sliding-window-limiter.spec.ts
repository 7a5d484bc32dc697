import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMIT_WINDOW_MARGIN_MS, SlidingWindowLimiter } from './sliding-window-limiter';

/** The most entries of `sends` (time, bytes) within any window of `windowMs`: [count, bytes]. */
function worstWindow(sends: [number, number][], windowMs: number): [number, number] {
  let count = 0;
  let bytes = 0;
  for (let start = 0, end = 0, sum = 0; end < sends.length; end++) {
    sum += sends[end][1];
    while (sends[end][0] - sends[start][0] >= windowMs) sum -= sends[start++][1];
    count = Math.max(count, end - start + 1);
    bytes = Math.max(bytes, sum);
  }
  return [count, bytes];
}

/** Sends as fast as the limiter allows for `durationMs`, waking exactly when it says to. */
function saturate(
  limiter: SlidingWindowLimiter,
  clock: { now: number },
  sizes: () => number,
  durationMs: number,
): [number, number][] {
  const sends: [number, number][] = [];
  let size = sizes();
  while (clock.now < durationMs) {
    const delay = limiter.delayFor(size);
    if (delay > 0) {
      clock.now += delay;
      continue;
    }
    limiter.reserve(size);
    limiter.written();
    sends.push([clock.now, size]);
    size = sizes();
  }
  return sends;
}

describe('SlidingWindowLimiter', () => {
  it('never lets more than the limit into any one-second window, even after an idle moment', () => {
    const clock = { now: 0 };
    const limiter = new SlidingWindowLimiter({ messagesPerSecond: 100 }, () => clock.now);
    // A first burst, an idle moment, then a saturated stream: the token bucket sent up to 2×.
    for (let i = 0; i < 100; i++) expect(limiter.tryTake(10)).toBe(true);
    expect(limiter.tryTake(10)).toBe(false);
    clock.now = 1_500;
    const sends = saturate(limiter, clock, () => 10, 10_000);
    expect(worstWindow(sends, 1000)[0]).toBe(100);
    // ... and it still delivers close to the limit on average.
    expect(sends.length / 8.5).toBeGreaterThan(90);
  });

  it('waits exactly until the oldest send of the window has left it', () => {
    const clock = { now: 0 };
    const limiter = new SlidingWindowLimiter({ messagesPerSecond: 2 }, () => clock.now);
    expect(limiter.tryTake(1)).toBe(true);
    clock.now = 300;
    expect(limiter.tryTake(1)).toBe(true);
    clock.now = 400;
    expect(limiter.delayFor(1)).toBe(600 + LIMIT_WINDOW_MARGIN_MS);
    clock.now = 1000 + LIMIT_WINDOW_MARGIN_MS;
    expect(limiter.tryTake(1)).toBe(true);
    expect(limiter.delayFor(1)).toBe(300);
  });

  it('limits bytes per sliding second, and refuses a message larger than a whole second', () => {
    const clock = { now: 0 };
    const limiter = new SlidingWindowLimiter({ bytesPerSecond: 1000 }, () => clock.now);
    expect(limiter.tryTake(600)).toBe(true);
    clock.now = 100;
    expect(limiter.tryTake(300)).toBe(true);
    // 1,000 would be exceeded until the 600 bytes sent at 0 leave the window.
    expect(limiter.delayFor(200)).toBe(1000 + LIMIT_WINDOW_MARGIN_MS - 100);
    expect(limiter.delayFor(100)).toBe(0);
    expect(limiter.exceedsByteRate(1001)).toBe(true);
    expect(limiter.delayFor(1001)).toBe(Infinity);
  });

  it('holds both limits at once for any mix of message sizes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 100, max: 5000 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 30 }),
        (messages, bytes, pattern) => {
          const clock = { now: 0 };
          const limiter = new SlidingWindowLimiter(
            { messagesPerSecond: messages, bytesPerSecond: bytes },
            () => clock.now,
          );
          let i = 0;
          const sends = saturate(limiter, clock, () => pattern[i++ % pattern.length], 5_000);
          const [count, sum] = worstWindow(sends, 1000 + LIMIT_WINDOW_MARGIN_MS - 1);
          return count <= messages && sum <= bytes;
        },
      ),
    );
  });

  it('counts a send reserved early but written late from when it was written', () => {
    const clock = { now: 0 };
    const limiter = new SlidingWindowLimiter(
      { messagesPerSecond: 2, bytesPerSecond: 100 },
      () => clock.now,
    );
    limiter.reserve(40);
    limiter.reserve(40);
    // Neither is on the socket yet: the window cannot end before a second from now.
    clock.now = 200;
    expect(limiter.delayFor(10)).toBe(1000 + LIMIT_WINDOW_MARGIN_MS);
    expect(limiter.delayFor(30)).toBe(1000 + LIMIT_WINDOW_MARGIN_MS);
    clock.now = 300;
    limiter.written(); // the first went out at 300, not at 0
    expect(limiter.delayFor(10)).toBe(1000 + LIMIT_WINDOW_MARGIN_MS);
    clock.now = 400;
    limiter.written();
    clock.now = 1000;
    expect(limiter.delayFor(10)).toBe(300 + 1000 + LIMIT_WINDOW_MARGIN_MS - 1000);
    // A connection that dropped never writes them: they keep their time.
    limiter.reserve(10);
    limiter.abandonPending();
    clock.now = 2500;
    expect(limiter.delayFor(90)).toBe(0);
  });

  it('lets one message through per 1/rate seconds at rates below one per second', () => {
    const clock = { now: 0 };
    const limiter = new SlidingWindowLimiter({ messagesPerSecond: 0.5 }, () => clock.now);
    expect(limiter.tryTake(1)).toBe(true);
    expect(limiter.tryTake(1)).toBe(false);
    expect(limiter.delayFor(1)).toBe(2000 + LIMIT_WINDOW_MARGIN_MS);
  });

  it('allows everything without limits', () => {
    const limiter = new SlidingWindowLimiter({}, () => 0);
    for (let i = 0; i < 10_000; i++) expect(limiter.tryTake(1_000_000)).toBe(true);
  });
});
