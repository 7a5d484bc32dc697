import { describe, expect, it, vi } from 'vitest';
import { BacklogPacer, type PacedConnection } from './backlog-pacer';

/**
 * The pacer reads three things of a broker connection; this stands in for one with a backlog
 * the test sets (BrokerConnection's own backlog and listeners are tested with a real broker).
 */
class Backlog implements PacedConnection {
  backlog = 0;
  online = true;
  private listeners: Array<{ threshold: number; listener: () => void }> = [];

  whenBacklogAtMost(threshold: number, listener: () => void): () => void {
    if (this.backlog <= threshold) {
      listener();
      return () => undefined;
    }
    const entry = { threshold, listener };
    this.listeners.push(entry);
    return () => (this.listeners = this.listeners.filter((e) => e !== entry));
  }

  set(backlog: number): void {
    this.backlog = backlog;
    const due = this.listeners.filter((e) => backlog <= e.threshold);
    this.listeners = this.listeners.filter((e) => backlog > e.threshold);
    for (const { listener } of due) listener();
  }
}

describe('BacklogPacer', () => {
  it('lets the fastest connected broker set the pace; a broker that is down holds nothing back', () => {
    const fast = new Backlog();
    const slow = new Backlog();
    const pacer = new BacklogPacer([fast, slow], { high: 100, low: 10 });
    slow.set(5_000);
    expect(pacer.canTakeMore()).toBe(true);
    fast.set(100);
    expect(pacer.canTakeMore()).toBe(false);
    fast.online = false;
    expect(pacer.canTakeMore()).toBe(false); // the slow one is still up and behind
    slow.online = false;
    expect(pacer.canTakeMore()).toBe(true); // nothing drains anyway: do not wait
  });

  it('resumes every waiter once, when a connected broker is down to the low mark', () => {
    const broker = new Backlog();
    const pacer = new BacklogPacer([broker], { high: 100, low: 10, recheckMs: 60_000 });
    broker.set(150);
    const resumed: string[] = [];
    pacer.onceReady(() => resumed.push('a'));
    pacer.onceReady(() => resumed.push('b'));
    broker.set(50);
    expect(resumed).toEqual([]);
    broker.set(10);
    expect(resumed).toEqual(['a', 'b']);
    broker.set(0);
    expect(resumed).toEqual(['a', 'b']);
  });

  it('checks again after a while whatever happens (a broker that never drains)', () => {
    vi.useFakeTimers();
    try {
      const broker = new Backlog();
      const pacer = new BacklogPacer([broker], { high: 100, low: 10, recheckMs: 1_000 });
      broker.set(500);
      const resume = vi.fn();
      pacer.onceReady(resume);
      vi.advanceTimersByTime(999);
      expect(resume).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(resume).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
