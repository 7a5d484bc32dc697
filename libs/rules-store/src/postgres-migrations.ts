import type { ClientBase } from 'pg';
import { RulesStoreError } from './rules-store-errors';

/** One schema step; `version` is recorded in `schema_migrations` once it has run. */
export interface PostgresMigration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Arbitrary but fixed: every replica (of any bridge version) takes this transaction-level
 * advisory lock before looking at `schema_migrations`, so replicas starting together migrate
 * one after the other instead of racing on CREATE TABLE. It is database-wide, so bridges in
 * other schemas of the same database merely wait a moment for each other.
 */
export const POSTGRES_MIGRATION_LOCK_KEY = 0x72756c65; // "rule"

/**
 * Numbered, append-only: never edit a released migration, add a new one. Same layout as the
 * SQLite store: `created_at` is the ISO-8601 text the API returns, and `id`/`created_at` use the
 * "C" collation, so ORDER BY priority, created_at, id sorts byte-wise exactly like SQLite does
 * whatever the database's locale. `body` is the whole rule as JSON; the `json` type (not jsonb)
 * keeps the text exactly as written, so key order round-trips as it does with SQLite.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'rules, broker secrets, revision counter',
    sql: `
      CREATE TABLE rules (
        id TEXT COLLATE "C" PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        priority INTEGER NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        version INTEGER NOT NULL,
        body JSON NOT NULL
      );
      CREATE INDEX rules_application_order ON rules (priority, created_at, id);
      CREATE TABLE broker_secrets (
        broker_id TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      -- Exactly one row: writers lock it (SELECT ... FOR UPDATE) to serialise across replicas.
      CREATE TABLE rules_revision (
        singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
        value BIGINT NOT NULL
      );
      INSERT INTO rules_revision (singleton, value) VALUES (TRUE, 0);
    `,
  },
  {
    version: 2,
    description: 'data subjects (keyed digests only) and the subject key',
    sql: `
      CREATE TABLE subjects (
        id TEXT COLLATE "C" PRIMARY KEY,
        digest TEXT NOT NULL UNIQUE,
        action TEXT NOT NULL,
        replacement TEXT,
        created_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX subjects_creation_order ON subjects (created_at, id);
      CREATE TABLE store_keys (
        name TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
    `,
  },
];

/**
 * Brings the schema (the connection's search_path, or `schema`, created if missing) up to the
 * latest migration, in ONE transaction under the advisory lock: a failure rolls every pending
 * step back, and a replica that waited for the lock finds the work done. Returns the versions
 * that were applied; an empty array when the schema was already current.
 */
export async function runPostgresMigrations(
  client: ClientBase,
  options: { schema?: string; migrations?: readonly PostgresMigration[] } = {},
): Promise<number[]> {
  const migrations = [...(options.migrations ?? POSTGRES_MIGRATIONS)].sort(
    (a, b) => a.version - b.version,
  );
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [POSTGRES_MIGRATION_LOCK_KEY]);
    // Existence is checked first so a fully migrated schema needs no CREATE privilege.
    if (options.schema !== undefined) {
      const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
        options.schema,
      ]);
      if (found.rowCount === 0) await client.query(`CREATE SCHEMA "${options.schema}"`);
    }
    const table = await client.query<{ exists: boolean }>(
      "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists",
    );
    if (!table.rows[0]?.exists)
      await client.query(`
        CREATE TABLE schema_migrations (
          version INTEGER PRIMARY KEY,
          description TEXT NOT NULL,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )`);
    const result = await client.query<{ current: number | null }>(
      'SELECT max(version) AS current FROM schema_migrations',
    );
    const current = result.rows[0]?.current ?? 0;
    if (current > latest)
      throw new RulesStoreError(
        `The rules database has schema version ${current}, newer than this bridge supports (${latest}); upgrade the bridge`,
      );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [
        migration.version,
        migration.description,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
