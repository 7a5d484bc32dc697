import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  POSTGRES_MIGRATIONS,
  runPostgresMigrations,
  type PostgresMigration,
} from './postgres-migrations';
import { RulesStoreError } from './rules-store-errors';
import { findTestPostgres, testSchema, withTestClient } from '@app/testing';

describe('runPostgresMigrations', async () => {
  const pg = await findTestPostgres();

  describe.skipIf(!pg.available)('against a PostgreSQL server', () => {
    const url = pg.available ? pg.url : '';
    let schema: ReturnType<typeof testSchema>;
    const inSchema = <T>(work: Parameters<typeof withTestClient<T>>[1]): Promise<T> =>
      withTestClient(url, work, schema.schema);

    beforeEach(() => {
      schema = testSchema(url);
    });
    afterEach(() => schema.drop());

    it('creates the schema, applies every migration once and nothing on a second run', async () => {
      const versions = POSTGRES_MIGRATIONS.map((m) => m.version);
      await inSchema(async (c) => {
        expect(await runPostgresMigrations(c, { schema: schema.schema })).toEqual(versions);
        expect(await runPostgresMigrations(c, { schema: schema.schema })).toEqual([]);
        const applied = await c.query('SELECT version FROM schema_migrations ORDER BY version');
        expect(applied.rows.map((r: { version: number }) => r.version)).toEqual(versions);
        const revision = await c.query('SELECT value FROM rules_revision');
        expect(revision.rows).toEqual([{ value: '0' }]);
      });
    });

    it('is safe when several connections migrate a fresh schema at the same time', async () => {
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          inSchema((c) => runPostgresMigrations(c, { schema: schema.schema })),
        ),
      );
      expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
      const count = await inSchema((c) => c.query('SELECT count(*)::int AS n FROM rules_revision'));
      expect(count.rows).toEqual([{ n: 1 }]);
    });

    it('rolls a failing migration back completely, keeping the earlier version', async () => {
      await inSchema((c) => runPostgresMigrations(c, { schema: schema.schema }));
      const broken: PostgresMigration[] = [
        ...POSTGRES_MIGRATIONS,
        {
          version: POSTGRES_MIGRATIONS.length + 1,
          description: 'fails half-way',
          sql: 'CREATE TABLE extra (x INTEGER); INSERT INTO missing_table VALUES (1);',
        },
      ];
      await inSchema(async (c) => {
        await expect(
          runPostgresMigrations(c, { schema: schema.schema, migrations: broken }),
        ).rejects.toThrow(/missing_table/);
        const current = await c.query('SELECT max(version) AS v FROM schema_migrations');
        expect(current.rows).toEqual([{ v: POSTGRES_MIGRATIONS.length }]);
        const extra = await c.query("SELECT to_regclass('extra') AS t");
        expect(extra.rows).toEqual([{ t: null }]);
      });
    });

    it('refuses a schema from a newer bridge', async () => {
      await inSchema(async (c) => {
        await runPostgresMigrations(c, { schema: schema.schema });
        await c.query("INSERT INTO schema_migrations (version, description) VALUES (50, 'x')");
        await expect(runPostgresMigrations(c, { schema: schema.schema })).rejects.toBeInstanceOf(
          RulesStoreError,
        );
      });
    });
  });
});
