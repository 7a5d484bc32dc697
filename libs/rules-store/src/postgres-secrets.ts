import type { Queryable } from './postgres-pool';
import { checkedSecret, newSecret, type SecretSlot } from './stored-secrets';

/**
 * The secret kept in `slot`, generated on first use. Two replicas asking for a new secret at
 * once both INSERT; ON CONFLICT makes the second one a no-op (it waits for the first to commit),
 * and both then read the same row.
 */
export async function storedSecret(q: Queryable, slot: SecretSlot): Promise<string> {
  const { table, keyColumn, key } = slot;
  await q.query(
    `INSERT INTO ${table} (${keyColumn}, secret) VALUES ($1, $2) ON CONFLICT (${keyColumn}) DO NOTHING`,
    [key, newSecret()],
  );
  const result = await q.query<{ secret: string }>(
    `SELECT secret FROM ${table} WHERE ${keyColumn} = $1`,
    [key],
  );
  return checkedSecret(slot, result.rows[0]?.secret);
}
