import type { Logger } from 'pino';

/**
 * Logs at most `perWindow` messages of each kind per window, then counts the rest and reports
 * how many were suppressed, so a server spewing bad frames cannot flood the log.
 */
export class RateLimitedLog {
  private readonly windows = new Map<
    string,
    { start: number; logged: number; suppressed: number }
  >();

  constructor(
    private readonly logger: Logger,
    private readonly perWindow = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(kind: string, details: Record<string, unknown>, message: string): void {
    const now = this.now();
    let window = this.windows.get(kind);
    if (!window || now - window.start >= this.windowMs) {
      if (window && window.suppressed > 0) {
        this.logger.warn(
          { kind, suppressed: window.suppressed },
          'similar messages were suppressed',
        );
      }
      window = { start: now, logged: 0, suppressed: 0 };
      this.windows.set(kind, window);
    }
    if (window.logged < this.perWindow) {
      window.logged++;
      this.logger.warn({ kind, ...details }, message);
    } else {
      window.suppressed++;
    }
  }
}
