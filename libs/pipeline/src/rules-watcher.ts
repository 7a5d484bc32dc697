import { type PrivacyRule, RuleSet } from '@app/privacy';
import type { Logger } from 'pino';

/** Where rules come from (the rules store satisfies it). */
export interface RuleSource {
  list(): Promise<PrivacyRule[]>;
  revision(): Promise<number>;
  onChange(listener: () => void): () => void;
}

/**
 * Keeps the pipeline's rule set equal to the stored rules: reloads on every in-process change
 * and polls the store's revision so changes made by another replica arrive within seconds.
 * Reloads are serialized and coalesced: a burst of edits triggers at most one extra reload.
 */
export class RulesWatcher {
  private revision = -1;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly source: RuleSource,
    private readonly apply: (ruleSet: RuleSet) => Promise<unknown>,
    private readonly logger: Logger,
    private readonly pollMs = 2000,
  ) {}

  /** Loads the rules once (start-up fails if the store cannot be read), then watches. */
  async start(): Promise<void> {
    await this.reloadNow();
    this.unsubscribe = this.source.onChange(() => void this.reload());
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
  }

  /** Resolves when the rules in effect include every change committed before the call. */
  reload(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.reloadNow().catch((error: unknown) => {
            this.logger.error(
              { err: error },
              'could not reload privacy rules; keeping the previous set',
            );
          });
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async poll(): Promise<void> {
    try {
      const revision = await this.source.revision();
      if (revision !== this.revision) await this.reload();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the rules revision');
    }
  }

  private async reloadNow(): Promise<void> {
    const revision = await this.source.revision();
    const rules = await this.source.list();
    const ruleSet = RuleSet.compile(rules);
    for (const problem of ruleSet.problems) {
      this.logger.error(problem, 'privacy rule skipped: it cannot be compiled');
    }
    this.revision = revision;
    const republished = await this.apply(ruleSet);
    this.logger.info({ rules: ruleSet.size, revision, republished }, 'privacy rules in effect');
  }
}
