import type { PrivacyRule } from '@app/privacy';
import type { Queryable } from './postgres-pool';
import {
  newRule,
  nextVersion,
  type RuleContent,
  type RuleRow,
  ruleFromRow,
  ruleToChange,
} from './rule-content';
import type { RuleIdGenerator } from './rule-id-generator';
import { RuleNameTakenError } from './rules-store-errors';

// The rule queries of PostgresRulesStore; writes run inside its locked transaction.

/** `body::text` so the stored JSON is parsed by us, exactly as the SQLite store does. */
const RULE_COLUMNS = 'id, name, version, created_at, body::text AS body';
const UNIQUE_VIOLATION = '23505';

/** Every rule, in application order. */
export async function readRules(q: Queryable): Promise<PrivacyRule[]> {
  const result = await q.query<RuleRow>(
    `SELECT ${RULE_COLUMNS} FROM rules ORDER BY priority, created_at, id`,
  );
  return result.rows.map(ruleFromRow);
}

export async function readRule(q: Queryable, id: string): Promise<PrivacyRule | undefined> {
  const result = await q.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM rules WHERE id = $1`, [id]);
  const row = result.rows[0];
  return row ? ruleFromRow(row) : undefined;
}

/** The rule a write changes, read after the revision lock was taken: its latest committed version. */
export async function readRuleToChange(
  tx: Queryable,
  id: string,
  expectedVersion: number | undefined,
): Promise<PrivacyRule> {
  return ruleToChange(id, await readRule(tx, id), expectedVersion);
}

export async function insertRule(
  tx: Queryable,
  ids: RuleIdGenerator,
  content: RuleContent,
  now: string,
): Promise<PrivacyRule> {
  const rule = newRule(ids.next(), content, now);
  await withNameCheck(rule.name, () =>
    tx.query(
      'INSERT INTO rules (id, name, priority, created_at, version, body) VALUES ($1, $2, $3, $4, $5, $6)',
      [rule.id, rule.name, rule.priority, rule.createdAt, rule.version, JSON.stringify(rule)],
    ),
  );
  return rule;
}

export async function updateRule(
  tx: Queryable,
  existing: PrivacyRule,
  content: RuleContent,
  now = new Date().toISOString(),
): Promise<PrivacyRule> {
  const rule = nextVersion(existing, content, now);
  await withNameCheck(rule.name, () =>
    tx.query('UPDATE rules SET name = $1, priority = $2, version = $3, body = $4 WHERE id = $5', [
      rule.name,
      rule.priority,
      rule.version,
      JSON.stringify(rule),
      rule.id,
    ]),
  );
  return rule;
}

export async function deleteRule(tx: Queryable, id: string): Promise<void> {
  await tx.query('DELETE FROM rules WHERE id = $1', [id]);
}

async function withNameCheck(name: string, statement: () => Promise<unknown>): Promise<void> {
  try {
    await statement();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION)
      throw new RuleNameTakenError(name);
    throw error;
  }
}
