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
    const batch = queue.tryTakeBatch(10);
    expect(batch?.keys).toEqual(['a', 'b']);
    expect(batch?.values).toEqual([2, 1]);
  });

  it('hands out at most `max` values per batch, oldest first', () => {
    const queue = new CoalescingQueue<number>();
    for (let i = 0; i < 5; i++) queue.push(`k${i}`, i);
    expect(queue.tryTakeBatch(2)?.values).toEqual([0, 1]);
    expect(queue.tryTakeBatch(2)?.values).toEqual([2, 3]);
    expect(queue.tryTakeBatch(2)?.values).toEqual([4]);
    expect(queue.tryTakeBatch(2)).toBeUndefined();
    expect(queue.inFlight).toBe(5);
  });

  it('never hands out a key twice at once, and delivers the parked value after done()', () => {
    const queue = new CoalescingQueue<string>();
    queue.push('k', 'v1');
    queue.push('other', 'o1');
    const batch = queue.tryTakeBatch(10);
    queue.push('k', 'v2');
    queue.push('k', 'v3');
    expect(queue.tryTakeBatch(10)).toBeUndefined();
    batch?.done();
    batch?.done(); // idempotent
    expect(queue.inFlight).toBe(0);
    const next = queue.tryTakeBatch(10);
    expect(next?.values).toEqual(['v3']);
    next?.done();
    expect(queue.keyCount).toBe(0);
  });

  it('wakes a waiting consumer once with everything pushed in one run', async () => {
    const queue = new CoalescingQueue<number>();
    const waiting = queue.takeBatch(100);
    queue.push('x', 5);
    queue.push('y', 6);
    queue.push('x', 7);
    expect((await waiting)?.values).toEqual([7, 6]);
  });

  it('resolves undefined on close or abort', async () => {
    const queue = new CoalescingQueue<number>();
    const controller = new AbortController();
    const aborted = queue.takeBatch(10, controller.signal);
    controller.abort();
    expect(await aborted).toBeUndefined();
    queue.push('z', 1);
    // The aborted waiter took nothing: the value is still there.
    expect(queue.tryTakeBatch(10)?.values).toEqual([1]);
    const closed = queue.takeBatch(10);
    queue.close();
    expect(await closed).toBeUndefined();
    queue.push('y', 1);
    expect(queue.size).toBe(0);
  });

  it('bounds memory by distinct keys under a flood', () => {
    const queue = new CoalescingQueue<number>();
    for (let i = 0; i < 10_000; i++) queue.push(`key-${i % 10}`, i);
    expect(queue.keyCount).toBe(10);
    expect(queue.tryTakeBatch(1000)?.values).toEqual([
      9990, 9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999,
    ]);
  });

  it('ignores a done() from before close()', () => {
    const queue = new CoalescingQueue<number>();
    queue.push('a', 1);
    const batch = queue.tryTakeBatch(1);
    queue.close();
    batch?.done();
    expect(queue.inFlight).toBe(0);
    expect(queue.keyCount).toBe(0);
  });

  it('tells a listener once when the values waiting come down to a threshold', () => {
    const queue = new CoalescingQueue<number>();
    for (let i = 0; i < 10; i++) queue.push(`k${i}`, i);
    const calls: string[] = [];
    queue.whenSizeAtMost(4, () => calls.push('at most 4'));
    const cancelled = queue.whenSizeAtMost(4, () => calls.push('cancelled'));
    cancelled();
    queue.whenSizeAtMost(20, () => calls.push('at once'));
    expect(calls).toEqual(['at once']);
    queue.tryTakeBatch(5);
    expect(calls).toEqual(['at once']); // 5 still waiting
    queue.tryTakeBatch(1);
    expect(calls).toEqual(['at once', 'at most 4']);
    queue.tryTakeBatch(4);
    expect(calls).toEqual(['at once', 'at most 4']);
  });

  it('tells size listeners when it closes (nothing will ever drain it)', () => {
    const queue = new CoalescingQueue<number>();
    queue.push('a', 1);
    queue.push('b', 2);
    let told = false;
    queue.whenSizeAtMost(0, () => (told = true));
    queue.close();
    expect(told).toBe(true);
  });
});
