import { RULES_CHANGED_CHANNEL } from './postgres-change-listener';
import type { PostgresPool, Queryable } from './postgres-pool';
import { RulesStoreError } from './rules-store-errors';

// The single `rules_revision` row: the counter every committed change bumps, and the lock that
// serialises the writers of all replicas.

/** What a write did: its result, and whether it changed anything (and so bumped the revision). */
export interface WriteOutcome<T> {
  result: T;
  changed: boolean;
}

/** Reads the revision row without a lock (what `ping()` asks of the database). */
export const READ_REVISION = 'SELECT value FROM rules_revision WHERE singleton';

export async function readRevision(q: Queryable): Promise<number> {
  const result = await q.query<{ value: string }>(READ_REVISION);
  const value = result.rows[0]?.value;
  if (value === undefined) throw new RulesStoreError('The rules database has no revision counter');
  // BIGINT arrives as a string; a counter bumped once per change stays far below 2^53.
  return Number(value);
}

/**
 * Runs `body` in one transaction that first locks the revision row (SELECT ... FOR UPDATE), so
 * writers from all replicas run one at a time. If `body` changed anything, the revision is
 * bumped and `payload` is sent on RULES_CHANGED_CHANNEL; both take effect only on COMMIT.
 */
export async function lockedWrite<T>(
  pool: PostgresPool,
  payload: string,
  body: (tx: Queryable) => Promise<WriteOutcome<T>>,
): Promise<WriteOutcome<T>> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query(`${READ_REVISION} FOR UPDATE`);
    const outcome = await body(client);
    if (outcome.changed) {
      await client.query('UPDATE rules_revision SET value = value + 1 WHERE singleton');
      // Delivered to the other replicas' listeners only if this transaction commits.
      await client.query('SELECT pg_notify($1, $2)', [RULES_CHANGED_CHANNEL, payload]);
    }
    await client.query('COMMIT');
    return outcome;
  } catch (error) {
    // A connection that cannot even roll back is discarded rather than reused.
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
