interface Waiter {
  resolve(value: boolean): void;
  timer: NodeJS.Timeout;
}

/** Callers waiting for a condition with a timeout: `settle` answers them all at once. */
export class Waiters {
  private readonly waiting = new Set<Waiter>();

  /** Resolves with the value of the next `settle`, or false after `timeoutMs`. */
  wait(timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  settle(value: boolean): void {
    for (const waiter of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.resolve(value);
    }
    this.waiting.clear();
  }
}

/** Waits for `promise` (settled either way) at most `timeoutMs`. */
export async function settledWithin(promise: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]);
  clearTimeout(timer);
}
