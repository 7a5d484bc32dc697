import { randomBytes } from 'node:crypto';
import type { PrivacyRule, PrivacyRuleInput } from '@app/privacy';
import type { Logger } from 'pino';
import { ChangeListeners } from './change-listeners';
import {
  postgresConnectionSettings,
  type PostgresRulesStoreOptions,
} from './postgres-connection-settings';
import { changePayload, PostgresChangeListener } from './postgres-change-listener';
import { runPostgresMigrations } from './postgres-migrations';
import { PostgresPool, type Queryable } from './postgres-pool';
import { lockedWrite, READ_REVISION, readRevision, type WriteOutcome } from './postgres-revision';
import {
  deleteRule,
  insertRule,
  readRule,
  readRules,
  readRuleToChange,
  updateRule,
} from './postgres-rule-queries';
import { storedSecret } from './postgres-secrets';
import { insertSubject, readSubjects, removeSubject } from './postgres-subjects';
import { contentOf, mergeChanges } from './rule-content';
import { RuleIdGenerator } from './rule-id-generator';
import { planRuleSetReplacement } from './rule-set-replacement';
import type { RulesStore } from './rules-store';
import { RulesStoreError } from './rules-store-errors';
import { brokerSecretSlot, SUBJECT_KEY_SLOT } from './stored-secrets';
import type { StoredSubject, SubjectInput } from './subject-records';

/**
 * Rules in PostgreSQL, shared by several bridge replicas. Same semantics as SqliteRulesStore.
 * Every write runs in one transaction that first locks the single `rules_revision` row
 * (SELECT ... FOR UPDATE): writers from all replicas therefore run one at a time, so two of
 * them cannot both pass the same If-Match check, and every committed change bumps the revision
 * exactly once. Reads need no lock. Each write also sends a NOTIFY on commit, so `onChange`
 * hears other replicas' changes at once (PostgresChangeListener); polling `revision()` stays the
 * safety net for notifications lost while that connection was down.
 */
export class PostgresRulesStore implements RulesStore {
  private readonly listeners: ChangeListeners;
  private readonly ids = new RuleIdGenerator();
  private readonly subjectIds = new RuleIdGenerator('subject');
  private closing: Promise<void> | undefined;
  /** Tells this store's own notifications from other replicas'. */
  private readonly writer = randomBytes(8).toString('hex');
  private readonly scope: string;
  private readonly changes: PostgresChangeListener;

  private constructor(
    private readonly db: PostgresPool,
    private readonly logger?: Logger,
  ) {
    this.listeners = new ChangeListeners(logger);
    this.scope = db.settings.schema ?? '';
    this.changes = new PostgresChangeListener(
      {
        ...db.settings.pool,
        application_name: `placeos-mqtt-bridge listen ${this.scope}`.trim(),
      },
      this.scope,
      this.writer,
      () => this.listeners.notify(),
      (error) => db.describe(error),
      logger,
    );
  }

  /** Whether other replicas' changes arrive by notification (else only by polling). */
  get listening(): boolean {
    return this.changes.listening;
  }

  /**
   * Connects, migrates the schema and reads every rule once (a damaged row fails start-up, not
   * a later request). `url` is `postgres://user:pass@host:port/db`, optionally `?schema=name`
   * (see PostgresRulesStoreOptions). Every failure is a RulesStoreError without the password.
   */
  static async open(
    url: string,
    options: PostgresRulesStoreOptions & { logger?: Logger } = {},
  ): Promise<PostgresRulesStore> {
    const settings = postgresConnectionSettings(url, options);
    const db = new PostgresPool(settings, options.logger);
    const store = new PostgresRulesStore(db, options.logger);
    try {
      const client = await db.connect();
      let applied: number[];
      try {
        applied = await runPostgresMigrations(client, { schema: settings.schema });
      } catch (error) {
        throw db.asStoreError(error, `Cannot migrate the rules database ${settings.redactedUrl}`);
      } finally {
        client.release();
      }
      await Promise.all([readRules(db.autocommit), readSubjects(db.autocommit)]).catch(
        (error: unknown) => {
          throw db.asStoreError(error, `Cannot read the rules database ${settings.redactedUrl}`);
        },
      );
      options.logger?.info(
        { url: settings.redactedUrl, schema: settings.schema, migrationsApplied: applied },
        'Opened the rules database (PostgreSQL)',
      );
      store.changes.start();
      return store;
    } catch (error) {
      await db.end().catch(() => undefined);
      throw error;
    }
  }

  list(): Promise<PrivacyRule[]> {
    return this.run(() => readRules(this.db.autocommit));
  }

  get(id: string): Promise<PrivacyRule | undefined> {
    return this.run(() => readRule(this.db.autocommit, id));
  }

  create(input: PrivacyRuleInput): Promise<PrivacyRule> {
    return this.write(async (tx) => {
      const rule = await insertRule(tx, this.ids, contentOf(input), new Date().toISOString());
      return { result: rule, changed: true };
    });
  }

  replace(id: string, input: PrivacyRuleInput, expectedVersion?: number): Promise<PrivacyRule> {
    return this.write(async (tx) => {
      const existing = await readRuleToChange(tx, id, expectedVersion);
      return { result: await updateRule(tx, existing, contentOf(input)), changed: true };
    });
  }

  patch(
    id: string,
    changes: Partial<PrivacyRuleInput>,
    expectedVersion?: number,
  ): Promise<PrivacyRule> {
    return this.write(async (tx) => {
      const existing = await readRuleToChange(tx, id, expectedVersion);
      const content = mergeChanges(existing, changes);
      return { result: await updateRule(tx, existing, content), changed: true };
    });
  }

  delete(id: string, expectedVersion?: number): Promise<void> {
    return this.write(async (tx) => {
      await readRuleToChange(tx, id, expectedVersion);
      await deleteRule(tx, id);
      return { result: undefined, changed: true };
    });
  }

  replaceAll(inputs: PrivacyRuleInput[]): Promise<PrivacyRule[]> {
    return this.write(async (tx) => {
      const { deleted, writes } = planRuleSetReplacement(await readRules(tx), inputs);
      for (const rule of deleted) await deleteRule(tx, rule.id);
      const now = new Date().toISOString();
      for (const { content, existing } of writes) {
        if (existing) await updateRule(tx, existing, content, now);
        else await insertRule(tx, this.ids, content, now);
      }
      return { result: await readRules(tx), changed: deleted.length + writes.length > 0 };
    });
  }

  listSubjects(): Promise<StoredSubject[]> {
    return this.run(() => readSubjects(this.db.autocommit));
  }

  createSubject(input: SubjectInput): Promise<StoredSubject> {
    return this.write(async (tx) => ({
      result: await insertSubject(tx, this.subjectIds.next(), input, new Date().toISOString()),
      changed: true,
    }));
  }

  deleteSubject(id: string): Promise<void> {
    return this.write(async (tx) => {
      await removeSubject(tx, id);
      return { result: undefined, changed: true };
    });
  }

  subjectKey(): Promise<string> {
    return this.run(() => storedSecret(this.db.autocommit, SUBJECT_KEY_SLOT));
  }

  revision(): Promise<number> {
    return this.run(() => readRevision(this.db.autocommit));
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  brokerSecret(brokerId: string): Promise<string> {
    return this.run(() => storedSecret(this.db.autocommit, brokerSecretSlot(brokerId)));
  }

  ping(): Promise<void> {
    return this.run(async () => {
      await this.db.autocommit.query(READ_REVISION);
    });
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.listeners.clear();
      this.closing = Promise.all([this.changes.stop(), this.db.end()])
        .then(() => undefined)
        .catch((error: unknown) => {
          this.logger?.warn({ err: this.db.describe(error) }, 'Closing the rules database failed');
        });
    }
    return this.closing;
  }

  /**
   * Runs a write in one transaction holding the revision row lock (see lockedWrite); notifies
   * listeners after COMMIT if it changed anything.
   */
  private async write<T>(body: (tx: Queryable) => Promise<WriteOutcome<T>>): Promise<T> {
    const { result, changed } = await this.run(() =>
      lockedWrite(this.db, changePayload(this.scope, this.writer), body),
    );
    if (changed) this.listeners.notify();
    return result;
  }

  /** Maps driver failures to RulesStoreError; the store's own errors pass through. */
  private async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closing) throw new RulesStoreError('The rules store is closed');
    try {
      return await operation();
    } catch (error) {
      throw this.db.asStoreError(error, `Rules database (${this.db.settings.redactedUrl}) failed`);
    }
  }
}
