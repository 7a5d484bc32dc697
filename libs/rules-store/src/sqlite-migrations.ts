import type { Database } from 'better-sqlite3';
import { RulesStoreError } from './rules-store-errors';

/** One schema step; `version` is what `PRAGMA user_version` holds once it has run. */
export interface SqliteMigration {
  version: number;
  description: string;
  sql: string;
}

/** Numbered, append-only: never edit a released migration, add a new one. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'rules, broker secrets, revision counter',
    sql: `
      CREATE TABLE rules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        priority INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX rules_application_order ON rules (priority, created_at, id);
      CREATE TABLE broker_secrets (
        broker_id TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      );
      INSERT INTO meta (key, value) VALUES ('revision', 0);
    `,
  },
  {
    version: 2,
    description: 'data subjects (keyed digests only) and the subject key',
    sql: `
      CREATE TABLE subjects (
        id TEXT PRIMARY KEY,
        digest TEXT NOT NULL UNIQUE,
        action TEXT NOT NULL,
        replacement TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX subjects_creation_order ON subjects (created_at, id);
      CREATE TABLE store_keys (
        name TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
];

/**
 * Brings the schema up to the latest migration. Each step and its `user_version` bump commit
 * together, so a crash mid-way leaves the database at a clean, known version; re-running is a
 * no-op. Returns the versions that were applied.
 */
export function runSqliteMigrations(
  db: Database,
  migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS,
): number[] {
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest)
    throw new RulesStoreError(
      `The rules database has schema version ${current}, newer than this bridge supports (${latest}); upgrade the bridge`,
    );
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}
