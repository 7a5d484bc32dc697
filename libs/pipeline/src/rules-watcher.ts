import { type PrivacyRule, RuleSet, type SubjectEntry, SubjectSet } from '@app/privacy';
import type { Logger } from 'pino';

/** Where rules and data subjects come from (the rules store satisfies it). */
export interface RuleSource {
  list(): Promise<PrivacyRule[]>;
  revision(): Promise<number>;
  onChange(listener: () => void): () => void;
  /** Registered data subjects (keyed digests); a source without them has none. */
  listSubjects?(): Promise<SubjectEntry[]>;
  /** The key the subject digests are made with. */
  subjectKey?(): Promise<string>;
}

/**
 * Keeps the pipeline's rule set and data subjects equal to the stored ones: reloads on every
 * in-process change and polls the store's revision (which subject changes bump too) so changes
 * made by another replica arrive within seconds. Reloads are serialized and coalesced: a burst
 * of edits triggers at most one extra reload.
 */
export class RulesWatcher {
  private revision = -1;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private cachedSubjectKey: string | undefined;

  constructor(
    private readonly source: RuleSource,
    private readonly apply: (ruleSet: RuleSet, subjects: SubjectSet) => Promise<unknown>,
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

  private async loadSubjects(): Promise<SubjectSet> {
    if (!this.source.listSubjects || !this.source.subjectKey) return SubjectSet.EMPTY;
    const entries = await this.source.listSubjects();
    if (entries.length === 0) return SubjectSet.EMPTY;
    // The key never changes once generated; reading it once per process is enough.
    this.cachedSubjectKey ??= await this.source.subjectKey();
    return SubjectSet.compile(entries, this.cachedSubjectKey);
  }

  private async reloadNow(): Promise<void> {
    const revision = await this.source.revision();
    const rules = await this.source.list();
    const ruleSet = RuleSet.compile(rules);
    for (const problem of ruleSet.problems) {
      this.logger.error(problem, 'privacy rule skipped: it cannot be compiled');
    }
    const subjects = await this.loadSubjects();
    this.revision = revision;
    const republished = await this.apply(ruleSet, subjects);
    this.logger.info(
      { rules: ruleSet.size, subjects: subjects.size, revision, republished },
      'privacy rules in effect',
    );
  }
}
