/**
 * The callers of a `whenSynced`: each resolves with the sync state at the moment it is woken,
 * so a wake-up on stop or on its own timeout answers false while the sync is still incomplete.
 */
export class SyncWaiters {
  private readonly waiting = new Set<() => void>();

  constructor(private readonly synced: () => boolean) {}

  /** Resolves true once synced, or with the sync state after `timeoutMs` or `wakeAll`. */
  wait(timeoutMs?: number): Promise<boolean> {
    if (this.synced()) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve(this.synced());
      };
      this.waiting.add(done);
      if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
    });
  }

  wakeAll(): void {
    for (const done of [...this.waiting]) done();
  }
}
