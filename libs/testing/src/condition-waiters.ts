/**
 * Promises that settle when a condition over something a test records becomes true. The owner
 * calls `wake()` whenever it records something; each waiter re-checks its predicate then.
 */
export class ConditionWaiters {
  private readonly waiters = new Set<() => void>();

  wake(): void {
    for (const check of [...this.waiters]) check();
  }

  /** Resolves with the predicate's first truthy value; rejects after `timeoutMs`. */
  until<T>(predicate: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
    const immediate = predicate();
    if (immediate) return Promise.resolve(immediate);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = predicate();
        if (!value) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}
