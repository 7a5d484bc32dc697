import { describe, expect, it } from 'vitest';
import { CoalescingQueue } from './coalescing-queue';

describe('CoalescingQueue', () => {
  it('keeps only the latest value of a waiting key, in its original place', () => {
    const queue = new CoalescingQueue<number>();
    queue.push('a', 1);
    queue.push('b', 1);
    queue.push('a', 2);
    expect(queue.size).toBe(2);
    expect(queue.stats).toEqual({ pushed: 3, coalesced: 1 });
    const first = queue.tryTake();
    const second = queue.tryTake();
    expect([first?.key, first?.value, second?.key, second?.value]).toEqual(['a', 2, 'b', 1]);
  });

  it('never hands out a key twice at once, and delivers the parked value after done()', () => {
    const queue = new CoalescingQueue<string>();
    queue.push('k', 'v1');
    const lease = queue.tryTake();
    queue.push('k', 'v2');
    queue.push('k', 'v3');
    expect(queue.tryTake()).toBeUndefined();
    lease?.done();
    lease?.done(); // idempotent
    const next = queue.tryTake();
    expect(next?.value).toBe('v3');
    next?.done();
    expect(queue.keyCount).toBe(0);
  });

  it('wakes a waiting consumer and resolves undefined on close or abort', async () => {
    const queue = new CoalescingQueue<number>();
    const waiting = queue.take();
    queue.push('x', 5);
    expect((await waiting)?.value).toBe(5);
    const controller = new AbortController();
    const aborted = queue.take(controller.signal);
    controller.abort();
    expect(await aborted).toBeUndefined();
    const closed = queue.take();
    queue.close();
    expect(await closed).toBeUndefined();
    queue.push('y', 1);
    expect(queue.size).toBe(0);
  });

  it('bounds memory by distinct keys under a flood', () => {
    const queue = new CoalescingQueue<number>();
    for (let i = 0; i < 10_000; i++) queue.push(`key-${i % 10}`, i);
    expect(queue.keyCount).toBe(10);
    const values: number[] = [];
    for (let lease = queue.tryTake(); lease; lease = queue.tryTake()) values.push(lease.value);
    expect(values).toEqual([9990, 9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999]);
  });
});
