import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { jwtExpiry } from '../auth/credentials';
import { backoffDelay, sleep } from './backoff';
import { RateLimitedLog } from './rate-limited-log';
import { Semaphore } from './semaphore';

describe('backoffDelay', () => {
  it('grows exponentially within [ceiling/2, ceiling] and is capped', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, options, () => 0)).toBe(50);
    expect(backoffDelay(0, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(800);
    expect(backoffDelay(50, options, () => 0.5)).toBe(750);
  });

  it('sleep ends early on abort', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await expect(pending).resolves.toBeUndefined();
  });
});

describe('Semaphore', () => {
  it('never runs more than its capacity at once and serves waiters in order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((n) =>
        semaphore.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setImmediate(r));
          order.push(n);
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('RateLimitedLog', () => {
  it('logs a few per window and reports how many it suppressed', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    let now = 0;
    const log = new RateLimitedLog(logger, 2, 1000, () => now);
    for (let i = 0; i < 5; i++) log.warn('junk', { i }, 'bad frame');
    expect(lines).toHaveLength(2);
    now = 1000;
    log.warn('junk', {}, 'bad frame');
    expect(lines.map((l) => l.suppressed ?? l.msg)).toEqual([
      'bad frame',
      'bad frame',
      3,
      'bad frame',
    ]);
  });
});

describe('jwtExpiry', () => {
  it('reads exp from a JWT without verifying it, and ignores other tokens', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1_700_000_000 })).toString('base64url');
    expect(jwtExpiry(`e30.${payload}.sig`)).toBe(1_700_000_000);
    expect(jwtExpiry('opaque-token')).toBeUndefined();
    expect(jwtExpiry('a.!!!.c')).toBeUndefined();
  });
});
