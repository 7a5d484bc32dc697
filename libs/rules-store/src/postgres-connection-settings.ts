import type { PoolConfig } from 'pg';
import { RulesStoreError } from './rules-store-errors';
import { urlWithoutCredentials } from '@app/redaction';

/** Tuning for the PostgreSQL pool; the defaults suit a bridge replica (few, short transactions). */
export interface PostgresRulesStoreOptions {
  /**
   * Schema holding the tables, created if missing. Defaults to the URL's `?schema=` parameter,
   * else the server's search_path (normally `public`). Lets one database hold several bridges,
   * and the tests isolate themselves with a throw-away schema per test.
   */
  schema?: string;
  /** Connections per store (default 4): writes serialise on one row, so more would only wait. */
  maxConnections?: number;
  /** How long to wait for a connection, including at start-up (default 5000 ms). */
  connectionTimeoutMillis?: number;
  /** Server-side limit per statement (default 10000 ms), so a stuck lock cannot hang a request. */
  statementTimeoutMillis?: number;
}

/** What the store needs to connect, with the URL already safe to print. */
export interface PostgresConnectionSettings {
  pool: PoolConfig;
  schema: string | undefined;
  /** The URL without its password, for logs and error messages. */
  redactedUrl: string;
  /** Host and database, named in connection errors. */
  host: string;
  database: string;
  /** The password, only so driver messages that might quote it can be scrubbed. */
  password: string | undefined;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Turns `postgres://user:pass@host:port/db?schema=name&sslmode=...` into pool settings. `schema`
 * is ours and is removed before the URL reaches `pg`; every other parameter (sslmode, options,
 * application_name...) is passed through to it. The schema goes into the connection's startup
 * `search_path`, so all SQL stays unqualified; it must be a plain identifier because it is also
 * interpolated into CREATE SCHEMA.
 */
export function postgresConnectionSettings(
  url: string,
  options: PostgresRulesStoreOptions = {},
): PostgresConnectionSettings {
  const redactedUrl = urlWithoutCredentials(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RulesStoreError(`RULES_DB is not a valid PostgreSQL URL: ${redactedUrl}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
    throw new RulesStoreError(`RULES_DB is not a postgres:// URL: ${redactedUrl}`);
  const schema = options.schema ?? (parsed.searchParams.get('schema') || undefined);
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new RulesStoreError(
      `The rules database schema "${schema}" is not a plain identifier (letters, digits, _)`,
    );
  const urlOptions = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  const startupOptions = [urlOptions, schema && `-c search_path=${schema}`]
    .filter(Boolean)
    .join(' ');
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const statementTimeout = options.statementTimeoutMillis ?? 10_000;
  return {
    pool: {
      connectionString: parsed.toString(),
      ...(startupOptions ? { options: startupOptions } : {}),
      max: options.maxConnections ?? 4,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
      statement_timeout: statementTimeout,
      // The server cannot cancel a query whose connection silently vanished (no RST): the
      // client gives up a little after the server would have, and keep-alive notices the loss.
      query_timeout: statementTimeout + 5_000,
      keepAlive: true,
      // A replica that dies mid-transaction must not keep the revision row locked for long.
      idle_in_transaction_session_timeout: 30_000,
      idleTimeoutMillis: 30_000,
      application_name: 'placeos-mqtt-bridge',
    },
    schema,
    redactedUrl,
    host: `${decodeURIComponent(parsed.hostname) || 'localhost'}:${parsed.port || '5432'}`,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)',
    password,
  };
}
