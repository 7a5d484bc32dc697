import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRulesStore } from './open-rules-store';
import { RulesStoreError } from './rules-store-errors';
import { SqliteRulesStore } from './sqlite-rules-store';
import { SQLITE_MIGRATIONS } from './sqlite-migrations';
import { describeRulesStoreContract, emailHash } from './testing/rules-store-contract';

describeRulesStoreContract('SqliteRulesStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-store-'));
  const path = join(dir, 'nested', 'dir', 'rules.db');
  return Promise.resolve({
    store: SqliteRulesStore.open(path),
    reopen: () => Promise.resolve(SqliteRulesStore.open(path)),
    cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
});

describe('SqliteRulesStore (SQLite specifics)', () => {
  let dir: string;
  let path: string;
  let store: SqliteRulesStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rules-store-'));
    path = join(dir, 'nested', 'dir', 'rules.db');
    store = SqliteRulesStore.open(path);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses WAL, synchronous=FULL and migrates idempotently', async () => {
    await store.create(emailHash);
    await store.close();
    store = SqliteRulesStore.open(path);
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
      expect(db.prepare('SELECT COUNT(*) AS n FROM rules').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
    store = SqliteRulesStore.open(path);
    const conn = (store as unknown as { db: Database.Database }).db;
    expect(conn.pragma('synchronous', { simple: true })).toBe(2);
    expect(await store.list()).toHaveLength(1);
  });
});

describe('opening the rules store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rules-store-open-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens sqlite: configurations and creates the directory', async () => {
    const store = await openRulesStore({ kind: 'sqlite', path: join(dir, 'a', 'b', 'rules.db') });
    await store.create(emailHash);
    expect(await store.list()).toHaveLength(1);
    await store.close();
  });

  it('turns a corrupt file into a clear RulesStoreError', async () => {
    const path = join(dir, 'corrupt.db');
    writeFileSync(path, 'this is not a database '.repeat(500));
    const error = await openRulesStore({ kind: 'sqlite', path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RulesStoreError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/not a database/);
  });

  it('refuses a database written by a newer schema', async () => {
    const path = join(dir, 'future.db');
    const db = new Database(path);
    db.pragma('user_version = 999');
    db.close();
    await expect(openRulesStore({ kind: 'sqlite', path })).rejects.toThrow(
      /newer than this bridge/,
    );
  });

  it('reports a damaged rule row as a RulesStoreError', async () => {
    const path = join(dir, 'damaged.db');
    const store = SqliteRulesStore.open(path);
    const rule = await store.create(emailHash);
    await store.close();
    const db = new Database(path);
    db.prepare('UPDATE rules SET body = ? WHERE id = ?').run('{not json', rule.id);
    db.close();
    await expect(openRulesStore({ kind: 'sqlite', path })).rejects.toBeInstanceOf(RulesStoreError);
  });
});
