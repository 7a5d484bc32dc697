import { randomBytes } from 'node:crypto';
import type { PrivacyRule, PrivacyRuleInput } from '@app/privacy';
import { Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import {
  postgresConnectionSettings,
  type PostgresConnectionSettings,
  type PostgresRulesStoreOptions,
} from './postgres-connection-settings';
import {
  changePayload,
  PostgresChangeListener,
  RULES_CHANGED_CHANNEL,
} from './postgres-change-listener';
import { runPostgresMigrations } from './postgres-migrations';
import { insertSubject, readSubjects, removeSubject, storedSubjectKey } from './postgres-subjects';
import { planRuleSetReplacement } from './rule-set-replacement';
import { scrubSecrets } from '@app/redaction';
import {
  contentOf,
  describeError,
  isWellFormedSecret,
  mergeChanges,
  newRule,
  nextVersion,
  type RuleContent,
  type RuleRow,
  ruleFromRow,
} from './rule-content';
import { RuleIdGenerator } from './rule-id-generator';
import type { RulesStore } from './rules-store';
import {
  RuleNameTakenError,
  RuleNotFoundError,
  RulesStoreError,
  RuleVersionMismatchError,
} from './rules-store-errors';
import type { StoredSubject, SubjectInput } from './subject-records';

/** Anything that runs a query: the pool (autocommit) or a client inside a transaction. */
type Queryable = Pick<PoolClient, 'query'>;

/** `body::text` so the stored JSON is parsed by us, exactly as the SQLite store does. */
const RULE_COLUMNS = 'id, name, version, created_at, body::text AS body';
const UNIQUE_VIOLATION = '23505';

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
  private readonly listeners = new Set<() => void>();
  private readonly ids = new RuleIdGenerator();
  private readonly subjectIds = new RuleIdGenerator('subject');
  private closing: Promise<void> | undefined;
  /** Tells this store's own notifications from other replicas'. */
  private readonly writer = randomBytes(8).toString('hex');
  private readonly scope: string;
  private readonly changes: PostgresChangeListener;

  private constructor(
    private readonly pool: Pool,
    private readonly settings: PostgresConnectionSettings,
    private readonly logger?: Logger,
  ) {
    this.scope = settings.schema ?? '';
    this.changes = new PostgresChangeListener(
      {
        ...settings.pool,
        application_name: `placeos-mqtt-bridge listen ${this.scope}`.trim(),
      },
      this.scope,
      this.writer,
      () => this.notify(),
      (error) => this.scrub(describeError(error)),
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
    const pool = new Pool(settings.pool);
    // An idle connection that the server drops emits 'error' on the pool; unhandled, it would
    // crash the process. The pool replaces the connection, so a warning is enough.
    pool.on('error', (error) =>
      options.logger?.warn(
        { err: scrubSecrets(describeError(error), [settings.password]) },
        'An idle rules database connection failed',
      ),
    );
    const store = new PostgresRulesStore(pool, settings, options.logger);
    try {
      const client = await store.connect();
      let applied: number[];
      try {
        applied = await runPostgresMigrations(client, { schema: settings.schema });
      } catch (error) {
        throw store.asStoreError(
          error,
          `Cannot migrate the rules database ${settings.redactedUrl}`,
        );
      } finally {
        client.release();
      }
      await Promise.all([store.readAll(pool), readSubjects(pool)]).catch((error: unknown) => {
        throw store.asStoreError(error, `Cannot read the rules database ${settings.redactedUrl}`);
      });
      options.logger?.info(
        { url: settings.redactedUrl, schema: settings.schema, migrationsApplied: applied },
        'Opened the rules database (PostgreSQL)',
      );
      store.changes.start();
      return store;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  list(): Promise<PrivacyRule[]> {
    return this.run(() => this.readAll(this.pool));
  }

  get(id: string): Promise<PrivacyRule | undefined> {
    return this.run(() => this.readOne(this.pool, id));
  }

  create(input: PrivacyRuleInput): Promise<PrivacyRule> {
    return this.write(async (tx) => {
      const rule = await this.insert(tx, contentOf(input), new Date().toISOString());
      return { result: rule, changed: true };
    });
  }

  replace(id: string, input: PrivacyRuleInput, expectedVersion?: number): Promise<PrivacyRule> {
    return this.write(async (tx) => {
      const existing = await this.readExisting(tx, id, expectedVersion);
      return { result: await this.update(tx, existing, contentOf(input)), changed: true };
    });
  }

  patch(
    id: string,
    changes: Partial<PrivacyRuleInput>,
    expectedVersion?: number,
  ): Promise<PrivacyRule> {
    return this.write(async (tx) => {
      const existing = await this.readExisting(tx, id, expectedVersion);
      const content = mergeChanges(existing, changes);
      return { result: await this.update(tx, existing, content), changed: true };
    });
  }

  delete(id: string, expectedVersion?: number): Promise<void> {
    return this.write(async (tx) => {
      await this.readExisting(tx, id, expectedVersion);
      await tx.query('DELETE FROM rules WHERE id = $1', [id]);
      return { result: undefined, changed: true };
    });
  }

  replaceAll(inputs: PrivacyRuleInput[]): Promise<PrivacyRule[]> {
    return this.write(async (tx) => {
      const { deleted, writes } = planRuleSetReplacement(await this.readAll(tx), inputs);
      for (const rule of deleted) await tx.query('DELETE FROM rules WHERE id = $1', [rule.id]);
      const now = new Date().toISOString();
      for (const { content, existing } of writes) {
        if (existing) await this.update(tx, existing, content, now);
        else await this.insert(tx, content, now);
      }
      return { result: await this.readAll(tx), changed: deleted.length + writes.length > 0 };
    });
  }

  listSubjects(): Promise<StoredSubject[]> {
    return this.run(() => readSubjects(this.pool));
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
    return this.run(() => storedSubjectKey(this.pool));
  }

  revision(): Promise<number> {
    return this.run(async () => {
      const result = await this.pool.query<{ value: string }>(
        'SELECT value FROM rules_revision WHERE singleton',
      );
      const value = result.rows[0]?.value;
      if (value === undefined)
        throw new RulesStoreError('The rules database has no revision counter');
      // BIGINT arrives as a string; a counter bumped once per change stays far below 2^53.
      return Number(value);
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Two replicas asking for a new broker's secret at once both INSERT; ON CONFLICT makes the
   * second one a no-op (it waits for the first to commit), and both then read the same row.
   */
  brokerSecret(brokerId: string): Promise<string> {
    return this.run(async () => {
      await this.pool.query(
        'INSERT INTO broker_secrets (broker_id, secret) VALUES ($1, $2) ON CONFLICT (broker_id) DO NOTHING',
        [brokerId, randomBytes(32).toString('hex')],
      );
      const result = await this.pool.query<{ secret: string }>(
        'SELECT secret FROM broker_secrets WHERE broker_id = $1',
        [brokerId],
      );
      const secret = result.rows[0]?.secret;
      if (!isWellFormedSecret(secret))
        throw new RulesStoreError(`The stored secret of broker ${brokerId} is damaged`);
      return secret;
    });
  }

  ping(): Promise<void> {
    return this.run(async () => {
      await this.pool.query('SELECT value FROM rules_revision WHERE singleton');
    });
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.listeners.clear();
      this.closing = Promise.all([this.changes.stop(), this.pool.end()])
        .then(() => undefined)
        .catch((error: unknown) => {
          this.logger?.warn(
            { err: this.scrub(describeError(error)) },
            'Closing the rules database failed',
          );
        });
    }
    return this.closing;
  }

  private async readAll(q: Queryable): Promise<PrivacyRule[]> {
    const result = await q.query<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM rules ORDER BY priority, created_at, id`,
    );
    return result.rows.map(ruleFromRow);
  }

  private async readOne(q: Queryable, id: string): Promise<PrivacyRule | undefined> {
    const result = await q.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM rules WHERE id = $1`, [id]);
    const row = result.rows[0];
    return row ? ruleFromRow(row) : undefined;
  }

  private async readExisting(
    tx: Queryable,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<PrivacyRule> {
    // Read after the revision lock was taken, so this is the latest committed version.
    const existing = await this.readOne(tx, id);
    if (!existing) throw new RuleNotFoundError(id);
    if (expectedVersion !== undefined && existing.version !== expectedVersion)
      throw new RuleVersionMismatchError(id, expectedVersion, existing.version);
    return existing;
  }

  private async insert(tx: Queryable, content: RuleContent, now: string): Promise<PrivacyRule> {
    const rule = newRule(this.ids.next(), content, now);
    await withNameCheck(rule.name, () =>
      tx.query(
        'INSERT INTO rules (id, name, priority, created_at, version, body) VALUES ($1, $2, $3, $4, $5, $6)',
        [rule.id, rule.name, rule.priority, rule.createdAt, rule.version, JSON.stringify(rule)],
      ),
    );
    return rule;
  }

  private async update(
    tx: Queryable,
    existing: PrivacyRule,
    content: RuleContent,
    now = new Date().toISOString(),
  ): Promise<PrivacyRule> {
    const rule = nextVersion(existing, content, now);
    await withNameCheck(rule.name, () =>
      tx.query('UPDATE rules SET name = $1, priority = $2, version = $3, body = $4 WHERE id = $5', [
        rule.name,
        rule.priority,
        rule.version,
        JSON.stringify(rule),
        rule.id,
      ]),
    );
    return rule;
  }

  /**
   * Runs a write in one transaction holding the revision row lock; bumps the revision and
   * notifies listeners (after COMMIT) if it changed anything.
   */
  private async write<T>(
    body: (tx: Queryable) => Promise<{ result: T; changed: boolean }>,
  ): Promise<T> {
    const { result, changed } = await this.run(async () => {
      const client = await this.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        await client.query('SELECT value FROM rules_revision WHERE singleton FOR UPDATE');
        const outcome = await body(client);
        if (outcome.changed) {
          await client.query('UPDATE rules_revision SET value = value + 1 WHERE singleton');
          // Delivered to the other replicas' listeners only if this transaction commits.
          await client.query('SELECT pg_notify($1, $2)', [
            RULES_CHANGED_CHANNEL,
            changePayload(this.scope, this.writer),
          ]);
        }
        await client.query('COMMIT');
        return outcome;
      } catch (error) {
        // A connection that cannot even roll back is discarded rather than reused.
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    });
    if (changed) this.notify();
    return result;
  }

  /**
   * A pooled connection, with connection failures explained (host, database, reason). While
   * checked out, a client has no 'error' listener of the pool's; a dropped connection would
   * then be an unhandled 'error' event, so one is attached until release (the failing query
   * rejects anyway).
   */
  private async connect(): Promise<PoolClient> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      // pg's own wording for a connect timeout ("timeout expired") does not say what timed out.
      const reason = /timeout/i.test(describeError(error))
        ? `no connection within ${String(this.settings.pool.connectionTimeoutMillis)} ms`
        : this.reasonOf(error);
      throw new RulesStoreError(
        `Cannot connect to the rules database (host ${this.settings.host}, database ` +
          `${this.settings.database}, URL ${this.settings.redactedUrl}): ${reason}. ` +
          'Check that PostgreSQL is running and reachable and that the credentials are right.',
      );
    }
    const ignore = (): void => undefined;
    client.on('error', ignore);
    const release = client.release.bind(client);
    client.release = (destroy?: boolean | Error) => {
      client.removeListener('error', ignore);
      release(destroy);
    };
    return client;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.logger?.warn({ err: error }, 'A rules change listener failed');
      }
    }
  }

  /** Maps driver failures to RulesStoreError; the store's own errors pass through. */
  private async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closing) throw new RulesStoreError('The rules store is closed');
    try {
      return await operation();
    } catch (error) {
      throw this.asStoreError(error, `Rules database (${this.settings.redactedUrl}) failed`);
    }
  }

  private asStoreError(error: unknown, context: string): RulesStoreError {
    if (error instanceof RulesStoreError) return error;
    return new RulesStoreError(`${context}: ${this.reasonOf(error)}`);
  }

  /** A driver error as one line, never quoting the password. */
  private reasonOf(error: unknown): string {
    return this.scrub(describeError(error));
  }

  private scrub(text: string): string {
    return scrubSecrets(text, [this.settings.password]);
  }
}

async function withNameCheck(name: string, statement: () => Promise<unknown>): Promise<void> {
  try {
    await statement();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION)
      throw new RuleNameTakenError(name);
    throw error;
  }
}
