import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRulesStore } from './open-rules-store';
import { POSTGRES_MIGRATIONS } from './postgres-migrations';
import { PostgresRulesStore } from './postgres-rules-store';
import { RuleNotFoundError, RulesStoreError, RuleVersionMismatchError } from './rules-store-errors';
import { describeRulesStoreContract, emailHash } from './testing/rules-store-contract';
import { findTestPostgres, testSchema, withTestClient } from '@app/testing';

async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

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
    expect(message).not.toContain('bridge:');
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
        expect(versions.rows).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })));
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
        expect(versions.rowCount).toBe(POSTGRES_MIGRATIONS.length);
      });

      it('shows one replica the changes of another through revision() and list()', async () => {
        const a = await open();
        const b = await open();
        const start = await b.revision();
        const rule = await a.create(emailHash);
        expect(await b.revision()).toBe(start + 1);
        expect(await b.list()).toEqual([rule]);
        const patched = await b.patch(rule.id, { priority: 3 }, 1);
        expect(await a.revision()).toBe(start + 2);
        expect(await a.get(rule.id)).toEqual(patched);
        await b.delete(rule.id, 2);
        await expect(a.patch(rule.id, {})).rejects.toBeInstanceOf(RuleNotFoundError);
      });

      it("tells a replica of another's commit at once (LISTEN/NOTIFY), its own commits once", async () => {
        const a = await open();
        const b = await open();
        const other = testSchema(url);
        const elsewhere = await PostgresRulesStore.open(other.url);
        try {
          await eventually(() => a.listening && b.listening && elsewhere.listening, 'listeners');
          let heardByA = 0;
          let heardByB = 0;
          let heardElsewhere = 0;
          a.onChange(() => heardByA++);
          b.onChange(() => heardByB++);
          elsewhere.onChange(() => heardElsewhere++);
          await a.create(emailHash);
          expect(heardByA).toBe(1); // synchronously after commit, not again via NOTIFY
          await eventually(() => heardByB === 1, 'the notification at b');
          // A rolled-back write (stale If-Match) notifies nobody.
          const [rule] = await b.list();
          await expect(b.patch(rule.id, { priority: 2 }, 99)).rejects.toBeInstanceOf(
            RuleVersionMismatchError,
          );
          await b.patch(rule.id, { priority: 2 }, 1);
          await eventually(() => heardByA === 2, 'the notification at a');
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect([heardByA, heardByB, heardElsewhere]).toEqual([2, 2, 0]);
        } finally {
          await elsewhere.close();
          await other.drop();
        }
      });

      it('re-listens after its notification connection is killed, and reports the gap as a change', async () => {
        const a = await open();
        const b = await open();
        await eventually(() => b.listening, 'b listening');
        let heardByB = 0;
        b.onChange(() => heardByB++);
        await withTestClient(url, (c) =>
          c.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
            [`placeos-mqtt-bridge listen ${schema.schema}`],
          ),
        );
        await eventually(() => !b.listening, 'b to notice');
        await eventually(() => b.listening, 'b listening again', 10_000);
        await eventually(() => heardByB >= 1, 'the catch-up change');
        const before = heardByB;
        await a.create(emailHash);
        await eventually(() => heardByB === before + 1, 'a notification after the reconnect');
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
