import type { Logger } from 'pino';

/**
 * The `onChange` listeners of a store. Each is called after a committed change; one that throws
 * is logged and does not keep the others from hearing of the change.
 */
export class ChangeListeners {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly logger?: Logger) {}

  /** Adds `listener`; returns the function that removes it again. */
  add(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.logger?.warn({ err: error }, 'A rules change listener failed');
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
