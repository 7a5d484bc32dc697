import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { RulesStoreError } from './rules-store-errors';
import { runSqliteMigrations, SQLITE_MIGRATIONS, type SqliteMigration } from './sqlite-migrations';

describe('runSqliteMigrations', () => {
  it('applies every migration once and nothing on a second run', () => {
    const db = new Database(':memory:');
    try {
      expect(runSqliteMigrations(db)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
      expect(runSqliteMigrations(db)).toEqual([]);
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      expect(db.prepare("SELECT value FROM meta WHERE key = 'revision'").get()).toEqual({
        value: 0,
      });
    } finally {
      db.close();
    }
  });

  it('upgrades a version-1 database to subjects, keeping its rules and revision', () => {
    const db = new Database(':memory:');
    try {
      runSqliteMigrations(db, SQLITE_MIGRATIONS.slice(0, 1));
      db.prepare(
        "INSERT INTO rules (id, name, priority, created_at, version, body) VALUES ('r', 'n', 1, 't', 1, '{}')",
      ).run();
      db.prepare("UPDATE meta SET value = 7 WHERE key = 'revision'").run();
      expect(runSqliteMigrations(db)).toEqual([2]);
      expect(db.prepare('SELECT id FROM rules').all()).toEqual([{ id: 'r' }]);
      expect(db.prepare("SELECT value FROM meta WHERE key = 'revision'").get()).toEqual({
        value: 7,
      });
      expect(db.prepare('SELECT count(*) AS n FROM subjects').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('rolls a failing migration back completely, keeping the earlier version', () => {
    const db = new Database(':memory:');
    const broken: SqliteMigration[] = [
      ...SQLITE_MIGRATIONS,
      {
        version: SQLITE_MIGRATIONS.length + 1,
        description: 'fails half-way',
        sql: 'CREATE TABLE extra (x INTEGER); INSERT INTO missing_table VALUES (1);',
      },
    ];
    try {
      expect(() => runSqliteMigrations(db, broken)).toThrow(/missing_table/);
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      expect(
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'extra'").get(),
      ).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('refuses a database from a newer schema', () => {
    const db = new Database(':memory:');
    try {
      db.pragma('user_version = 50');
      expect(() => runSqliteMigrations(db)).toThrow(RulesStoreError);
    } finally {
      db.close();
    }
  });
});
