import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRulesStore } from './open-rules-store';
import { PostgresRulesStore } from './postgres-rules-store';
import { RuleNotFoundError, RulesStoreError, RuleVersionMismatchError } from './rules-store-errors';
import { describeRulesStoreContract, emailHash } from './testing/rules-store-contract';
import { findTestPostgres, testSchema, withTestClient } from '@app/testing';

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('PostgresRulesStore without a server', () => {
  it('rejects an unreachable URL with a RulesStoreError naming host and database, not the password', async () => {
    const port = await closedPort();
    const url = `postgres://bridge:s3cret-Pa55@127.0.0.1:${port}/rules`;
    const error = await openRulesStore({ kind: 'postgres', url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RulesStoreError);
    const message = (error as Error).message;
    expect(message).not.toContain('s3cret-Pa55');
    expect(message).toContain(`127.0.0.1:${port}`);
    expect(message).toContain('database rules');
    expect(message).toContain('bridge:***@');
    expect(message).toMatch(/ECONNREFUSED/);
  });

  it('rejects a URL that is not postgres:// or has an unsafe schema name', async () => {
    await expect(PostgresRulesStore.open('mysql://u:pw@h/db')).rejects.toBeInstanceOf(
      RulesStoreError,
    );
    const error = await PostgresRulesStore.open('postgres://u:pw@h/db?schema=a;drop').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RulesStoreError);
    expect((error as Error).message).not.toContain('pw');
  });
});

describe('PostgresRulesStore', async () => {
  const pg = await findTestPostgres();

  describe.skipIf(!pg.available)('against a PostgreSQL server', () => {
    const url = pg.available ? pg.url : '';

    describeRulesStoreContract('PostgresRulesStore', async () => {
      const schema = testSchema(url);
      return {
        store: await PostgresRulesStore.open(schema.url),
        reopen: () => PostgresRulesStore.open(schema.url),
        cleanup: () => schema.drop(),
      };
    });

    describe('PostgreSQL specifics', () => {
      let schema: ReturnType<typeof testSchema>;
      let stores: PostgresRulesStore[];
      const open = async (): Promise<PostgresRulesStore> => {
        const store = await PostgresRulesStore.open(schema.url);
        stores.push(store);
        return store;
      };

      beforeEach(() => {
        schema = testSchema(url);
        stores = [];
      });
      afterEach(async () => {
        for (const store of stores) await store.close();
        await schema.drop();
      });

      it('opens through openRulesStore and migrates idempotently', async () => {
        const first = await openRulesStore({ kind: 'postgres', url: schema.url });
        await first.create(emailHash);
        await first.close();
        const second = await open();
        expect(await second.list()).toHaveLength(1);
        const versions = await withTestClient(
          url,
          (c) => c.query<{ version: number }>('SELECT version FROM schema_migrations'),
          schema.schema,
        );
        expect(versions.rows).toEqual([{ version: 1 }]);
      });

      it('lets several replicas open a fresh schema at once, migrating it exactly once', async () => {
        const replicas = await Promise.all([open(), open(), open(), open()]);
        await replicas[0].create(emailHash);
        for (const replica of replicas) expect(await replica.list()).toHaveLength(1);
        const versions = await withTestClient(
          url,
          (c) => c.query('SELECT version FROM schema_migrations'),
          schema.schema,
        );
        expect(versions.rowCount).toBe(1);
      });

      it('shows one replica the changes of another through revision() and list()', async () => {
        const a = await open();
        const b = await open();
        const heardByA: number[] = [];
        a.onChange(() => heardByA.push(1));
        const start = await b.revision();
        const rule = await a.create(emailHash);
        expect(await b.revision()).toBe(start + 1);
        expect(await b.list()).toEqual([rule]);
        const patched = await b.patch(rule.id, { priority: 3 }, 1);
        expect(await a.revision()).toBe(start + 2);
        expect(await a.get(rule.id)).toEqual(patched);
        // onChange hears only this instance's commits; other replicas poll revision().
        expect(heardByA).toHaveLength(1);
        await b.delete(rule.id, 2);
        await expect(a.patch(rule.id, {})).rejects.toBeInstanceOf(RuleNotFoundError);
      });

      it('gives two replicas asking at once the same broker secret', async () => {
        const a = await open();
        const b = await open();
        for (const broker of ['aws', 'azure', 'gcp', 'onprem']) {
          const [fromA, fromB] = await Promise.all([
            a.brokerSecret(broker),
            b.brokerSecret(broker),
          ]);
          expect(fromA).toMatch(/^[0-9a-f]{64}$/);
          expect(fromB).toBe(fromA);
        }
      });

      it('lets exactly one of two concurrent patches with the same expected version win', async () => {
        const a = await open();
        const b = await open();
        const rule = await a.create(emailHash);
        const start = await a.revision();
        const outcomes = await Promise.allSettled([
          a.patch(rule.id, { priority: 1 }, 1),
          b.patch(rule.id, { priority: 2 }, 1),
        ]);
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0].reason).toBeInstanceOf(RuleVersionMismatchError);
        expect(await a.get(rule.id)).toMatchObject({ version: 2 });
        expect(await b.revision()).toBe(start + 1);
      });

      it('loses no revision bump when replicas write concurrently', async () => {
        const a = await open();
        const b = await open();
        const start = await a.revision();
        await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 ? a : b).create({ name: `rule-${i}`, action: 'drop' }),
          ),
        );
        expect(await a.revision()).toBe(start + 12);
        expect(await b.list()).toHaveLength(12);
      });

      it('refuses a schema written by a newer bridge', async () => {
        await (await open()).close();
        await withTestClient(
          url,
          (c) => c.query("INSERT INTO schema_migrations (version, description) VALUES (999, 'x')"),
          schema.schema,
        );
        await expect(PostgresRulesStore.open(schema.url)).rejects.toThrow(/newer than this bridge/);
      });

      it('reports a damaged rule row as a RulesStoreError at open', async () => {
        const store = await open();
        const rule = await store.create(emailHash);
        await withTestClient(
          url,
          (c) => c.query("UPDATE rules SET body = '[1]' WHERE id = $1", [rule.id]),
          schema.schema,
        );
        await expect(PostgresRulesStore.open(schema.url)).rejects.toBeInstanceOf(RulesStoreError);
      });

      it('fails ping with a RulesStoreError once the database is unusable', async () => {
        const store = await open();
        await expect(store.ping()).resolves.toBeUndefined();
        await schema.drop();
        await expect(store.ping()).rejects.toBeInstanceOf(RulesStoreError);
        await expect(store.list()).rejects.toBeInstanceOf(RulesStoreError);
      });

      it('names a missing database clearly, without the password', async () => {
        const missing = new URL(url);
        missing.password = 'hunter2-secret';
        missing.pathname = '/no_such_rules_db';
        const error = await PostgresRulesStore.open(missing.toString()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RulesStoreError);
        expect((error as Error).message).toMatch(/no_such_rules_db/);
        expect((error as Error).message).not.toContain('hunter2-secret');
      });
    });
  });
});
