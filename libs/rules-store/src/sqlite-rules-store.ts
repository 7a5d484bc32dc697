import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { PrivacyRule, PrivacyRuleInput } from '@app/privacy';
import type { Logger } from 'pino';
import { ChangeListeners } from './change-listeners';
import {
  contentOf,
  describeError,
  mergeChanges,
  newRule,
  nextVersion,
  type RuleContent,
  type RuleRow,
  ruleFromRow,
  ruleToChange,
} from './rule-content';
import { RuleIdGenerator } from './rule-id-generator';
import type { RulesStore } from './rules-store';
import {
  RuleNameTakenError,
  RulesStoreError,
  SubjectExistsError,
  SubjectNotFoundError,
} from './rules-store-errors';
import { planRuleSetReplacement } from './rule-set-replacement';
import { runSqliteMigrations } from './sqlite-migrations';
import {
  brokerSecretSlot,
  checkedSecret,
  newSecret,
  type SecretSlot,
  SUBJECT_KEY_SLOT,
} from './stored-secrets';
import {
  checkSubjectInput,
  newSubject,
  type StoredSubject,
  type SubjectInput,
  type SubjectRow,
  subjectFromRow,
} from './subject-records';

/**
 * Rules in an embedded SQLite file: WAL journal, `synchronous=FULL` so a committed change
 * survives a power cut, every write in one IMMEDIATE transaction. better-sqlite3 is synchronous;
 * the async interface leaves room for a networked backend (PostgreSQL) behind the same API.
 */
export class SqliteRulesStore implements RulesStore {
  private readonly listeners: ChangeListeners;
  private readonly ids = new RuleIdGenerator();
  private readonly subjectIds = new RuleIdGenerator('subject');
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    logger?: Logger,
  ) {
    this.listeners = new ChangeListeners(logger);
  }

  /** Opens (creating if needed) the database file and its parent directory, and migrates it. */
  static open(path: string, options: { logger?: Logger } = {}): SqliteRulesStore {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:' && !path.startsWith('file:'))
        mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      const applied = runSqliteMigrations(db);
      // Reading every row now turns a damaged file into a start-up error, not a later surprise.
      const store = new SqliteRulesStore(db, path, options.logger);
      store.readAll();
      store.readSubjects();
      options.logger?.info(
        { path, migrationsApplied: applied },
        'Opened the rules database (SQLite)',
      );
      return store;
    } catch (error) {
      db?.close();
      if (error instanceof RulesStoreError) throw error;
      throw new RulesStoreError(
        `Cannot open the rules database at ${path}: ${describeError(error)}. ` +
          'Check that the path is writable and holds a SQLite database created by this bridge.',
      );
    }
  }

  list(): Promise<PrivacyRule[]> {
    return this.run(() => this.readAll());
  }

  get(id: string): Promise<PrivacyRule | undefined> {
    return this.run(() => this.readOne(id));
  }

  create(input: PrivacyRuleInput): Promise<PrivacyRule> {
    return this.write(() => {
      const rule = this.insert(contentOf(input), new Date().toISOString());
      return { result: rule, changed: true };
    });
  }

  replace(id: string, input: PrivacyRuleInput, expectedVersion?: number): Promise<PrivacyRule> {
    return this.write(() => {
      const existing = this.readExisting(id, expectedVersion);
      return { result: this.update(existing, contentOf(input)), changed: true };
    });
  }

  patch(
    id: string,
    changes: Partial<PrivacyRuleInput>,
    expectedVersion?: number,
  ): Promise<PrivacyRule> {
    return this.write(() => {
      const existing = this.readExisting(id, expectedVersion);
      return { result: this.update(existing, mergeChanges(existing, changes)), changed: true };
    });
  }

  delete(id: string, expectedVersion?: number): Promise<void> {
    return this.write(() => {
      this.readExisting(id, expectedVersion);
      this.db.prepare('DELETE FROM rules WHERE id = ?').run(id);
      return { result: undefined, changed: true };
    });
  }

  replaceAll(inputs: PrivacyRuleInput[]): Promise<PrivacyRule[]> {
    return this.write(() => {
      const { deleted, writes } = planRuleSetReplacement(this.readAll(), inputs);
      const remove = this.db.prepare('DELETE FROM rules WHERE id = ?');
      for (const rule of deleted) remove.run(rule.id);
      const now = new Date().toISOString();
      for (const { content, existing } of writes) {
        if (existing) this.update(existing, content, now);
        else this.insert(content, now);
      }
      return { result: this.readAll(), changed: deleted.length + writes.length > 0 };
    });
  }

  listSubjects(): Promise<StoredSubject[]> {
    return this.run(() => this.readSubjects());
  }

  createSubject(input: SubjectInput): Promise<StoredSubject> {
    return this.write(() => {
      checkSubjectInput(input);
      const existing = this.db
        .prepare('SELECT id FROM subjects WHERE digest = ?')
        .get(input.digest) as { id: string } | undefined;
      if (existing) throw new SubjectExistsError(existing.id);
      const subject = newSubject(this.subjectIds.next(), input, new Date().toISOString());
      this.db
        .prepare(
          'INSERT INTO subjects (id, digest, action, replacement, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(
          subject.id,
          subject.digest,
          subject.action,
          subject.replacement ?? null,
          subject.createdAt,
        );
      return { result: subject, changed: true };
    });
  }

  deleteSubject(id: string): Promise<void> {
    return this.write(() => {
      const { changes } = this.db.prepare('DELETE FROM subjects WHERE id = ?').run(id);
      if (changes === 0) throw new SubjectNotFoundError(id);
      return { result: undefined, changed: true };
    });
  }

  subjectKey(): Promise<string> {
    return this.run(() => this.storedSecret(SUBJECT_KEY_SLOT));
  }

  revision(): Promise<number> {
    return this.run(() => this.readRevision());
  }

  onChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  brokerSecret(brokerId: string): Promise<string> {
    return this.run(() => this.storedSecret(brokerSecretSlot(brokerId)));
  }

  ping(): Promise<void> {
    return this.run(() => {
      this.db.prepare('SELECT value FROM meta WHERE key = ?').get('revision');
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.listeners.clear();
      this.db.close();
    }
    return Promise.resolve();
  }

  private readAll(): PrivacyRule[] {
    const rows = this.db
      .prepare(
        'SELECT id, name, version, created_at, body FROM rules ORDER BY priority, created_at, id',
      )
      .all() as RuleRow[];
    return rows.map(ruleFromRow);
  }

  private readSubjects(): StoredSubject[] {
    const rows = this.db
      .prepare(
        'SELECT id, digest, action, replacement, created_at FROM subjects ORDER BY created_at, id',
      )
      .all() as SubjectRow[];
    return rows.map(subjectFromRow);
  }

  private readOne(id: string): PrivacyRule | undefined {
    const row = this.db
      .prepare('SELECT id, name, version, created_at, body FROM rules WHERE id = ?')
      .get(id) as RuleRow | undefined;
    return row ? ruleFromRow(row) : undefined;
  }

  private readExisting(id: string, expectedVersion: number | undefined): PrivacyRule {
    return ruleToChange(id, this.readOne(id), expectedVersion);
  }

  /** The secret kept in `slot`, generated on first use (in one IMMEDIATE transaction). */
  private storedSecret(slot: SecretSlot): string {
    const { table, keyColumn, key } = slot;
    return this.db
      .transaction(() => {
        this.db
          .prepare(
            `INSERT OR IGNORE INTO ${table} (${keyColumn}, secret, created_at) VALUES (?, ?, ?)`,
          )
          .run(key, newSecret(), new Date().toISOString());
        const row = this.db
          .prepare(`SELECT secret FROM ${table} WHERE ${keyColumn} = ?`)
          .get(key) as { secret: string } | undefined;
        return checkedSecret(slot, row?.secret);
      })
      .immediate();
  }

  private readRevision(): number {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('revision') as
      { value: number } | undefined;
    if (!row) throw new RulesStoreError('The rules database has no revision counter');
    return row.value;
  }

  private insert(content: RuleContent, now: string): PrivacyRule {
    const rule = newRule(this.ids.next(), content, now);
    this.withNameCheck(rule.name, () =>
      this.db
        .prepare(
          'INSERT INTO rules (id, name, priority, created_at, version, body) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(rule.id, rule.name, rule.priority, rule.createdAt, rule.version, JSON.stringify(rule)),
    );
    return rule;
  }

  private update(
    existing: PrivacyRule,
    content: RuleContent,
    now = new Date().toISOString(),
  ): PrivacyRule {
    const rule = nextVersion(existing, content, now);
    this.withNameCheck(rule.name, () =>
      this.db
        .prepare('UPDATE rules SET name = ?, priority = ?, version = ?, body = ? WHERE id = ?')
        .run(rule.name, rule.priority, rule.version, JSON.stringify(rule), rule.id),
    );
    return rule;
  }

  private withNameCheck(name: string, statement: () => void): void {
    try {
      statement();
    } catch (error) {
      if (isUniqueViolation(error)) throw new RuleNameTakenError(name);
      throw error;
    }
  }

  /** Runs a write in one transaction; bumps the revision and notifies listeners if it changed anything. */
  private async write<T>(body: () => { result: T; changed: boolean }): Promise<T> {
    const { result, changed } = await this.run(() =>
      this.db
        .transaction(() => {
          const outcome = body();
          if (outcome.changed)
            this.db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'revision'").run();
          return outcome;
        })
        .immediate(),
    );
    if (changed) this.listeners.notify();
    return result;
  }

  /** Maps driver failures to RulesStoreError; the store's own errors pass through. */
  private run<T>(operation: () => T): Promise<T> {
    try {
      if (this.closed) throw new RulesStoreError('The rules store is closed');
      return Promise.resolve(operation());
    } catch (error) {
      if (error instanceof RulesStoreError) return Promise.reject(error);
      return Promise.reject(
        new RulesStoreError(`Rules database (${this.path}) failed: ${describeError(error)}`),
      );
    }
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
