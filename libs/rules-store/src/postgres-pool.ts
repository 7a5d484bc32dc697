import { scrubSecrets } from '@app/redaction';
import { Pool, type PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { PostgresConnectionSettings } from './postgres-connection-settings';
import { describeError } from './rule-content';
import { RulesStoreError } from './rules-store-errors';

/** Anything that runs a query: the pool (autocommit) or a client inside a transaction. */
export type Queryable = Pick<PoolClient, 'query'>;

/**
 * The connection pool of a PostgresRulesStore. Connection failures are explained (host,
 * database, reason), and no error it reports quotes the password.
 */
export class PostgresPool {
  private readonly pool: Pool;

  constructor(
    readonly settings: PostgresConnectionSettings,
    logger?: Logger,
  ) {
    this.pool = new Pool(settings.pool);
    // An idle connection that the server drops emits 'error' on the pool; unhandled, it would
    // crash the process. The pool replaces the connection, so a warning is enough.
    this.pool.on('error', (error) =>
      logger?.warn({ err: this.describe(error) }, 'An idle rules database connection failed'),
    );
  }

  /** Runs queries in autocommit mode, each on whichever connection is free. */
  get autocommit(): Queryable {
    return this.pool;
  }

  /**
   * A pooled connection, with connection failures explained. While checked out, a client has
   * no 'error' listener of the pool's; a dropped connection would then be an unhandled 'error'
   * event, so one is attached until release (the failing query rejects anyway).
   */
  async connect(): Promise<PoolClient> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      // pg's own wording for a connect timeout ("timeout expired") does not say what timed out.
      const reason = /timeout/i.test(describeError(error))
        ? `no connection within ${String(this.settings.pool.connectionTimeoutMillis)} ms`
        : this.describe(error);
      throw new RulesStoreError(
        `Cannot connect to the rules database (host ${this.settings.host}, database ` +
          `${this.settings.database}, URL ${this.settings.redactedUrl}): ${reason}. ` +
          'Check that PostgreSQL is running and reachable and that the credentials are right.',
      );
    }
    const ignore = (): void => undefined;
    client.on('error', ignore);
    const release = client.release.bind(client);
    client.release = (destroy?: boolean | Error) => {
      client.removeListener('error', ignore);
      release(destroy);
    };
    return client;
  }

  /** Closes every connection. */
  end(): Promise<void> {
    return this.pool.end();
  }

  /** Maps a driver failure to RulesStoreError; the store's own errors pass through. */
  asStoreError(error: unknown, context: string): RulesStoreError {
    if (error instanceof RulesStoreError) return error;
    return new RulesStoreError(`${context}: ${this.describe(error)}`);
  }

  /** A driver error as one line, never quoting the password. */
  describe(error: unknown): string {
    return scrubSecrets(describeError(error), [this.settings.password]);
  }
}
