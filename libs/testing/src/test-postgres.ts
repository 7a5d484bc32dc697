import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { urlWithoutCredentials } from '@app/redaction';

/** Where the tests look for PostgreSQL when TEST_POSTGRES_URL is not set. */
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Either a reachable server's URL or why the PostgreSQL tests are skipped. */
export type TestPostgres = { available: true; url: string } | { available: false; reason: string };

let probe: Promise<TestPostgres> | undefined;

/**
 * Finds the PostgreSQL the tests may use: TEST_POSTGRES_URL, else the local default. Tests must
 * skip (not fail) without one, since CI may run where there is no server; the first call per
 * worker prints why. Cached, so each test file probes at most once.
 */
export function findTestPostgres(): Promise<TestPostgres> {
  probe ??= (async (): Promise<TestPostgres> => {
    const url = process.env.TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return { available: true, url };
    } catch (error) {
      const reason =
        `PostgreSQL tests skipped: no server at ${urlWithoutCredentials(url)} ` +
        `(${error instanceof Error ? error.message || error.name : String(error)}). ` +
        'Set TEST_POSTGRES_URL to run them.';
      console.warn(reason);
      return { available: false, reason };
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return probe;
}

/**
 * A throw-away schema name and the URL that selects it (`?schema=`), so parallel Vitest workers
 * and tests never share tables. The store creates the schema on open; `drop` removes it.
 */
export function testSchema(url: string): { schema: string; url: string; drop(): Promise<void> } {
  const schema = `rules_${randomBytes(6).toString('hex')}`;
  const withSchema = new URL(url);
  withSchema.searchParams.set('schema', schema);
  return {
    schema,
    url: withSchema.toString(),
    drop: () =>
      withTestClient(url, async (c) => {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }),
  };
}

/** Runs `work` on a short-lived connection (optionally with `search_path` set to `schema`). */
export async function withTestClient<T>(
  url: string,
  work: (client: Client) => Promise<T>,
  schema?: string,
): Promise<T> {
  const client = new Client({
    connectionString: url,
    connectionTimeoutMillis: 2_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
