import { normalizeRule, type PrivacyRule, type PrivacyRuleInput } from '@app/privacy';
import { RuleNotFoundError, RulesStoreError, RuleVersionMismatchError } from './rules-store-errors';

/** What a caller controls in a rule; the store owns id, version and the timestamps. */
export type RuleContent = Omit<PrivacyRule, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

/** A stored rule as both backends keep it: indexed columns plus the whole rule as JSON text. */
export interface RuleRow {
  id: string;
  name: string;
  version: number;
  created_at: string;
  body: string;
}

/** The fields of RuleContent (what a caller controls), in the order a stored rule lists them. */
export const RULE_CONTENT_FIELDS = [
  'name',
  'description',
  'enabled',
  'priority',
  'topic',
  'brokers',
  'match',
  'keys',
  'action',
  'mask',
  'replacement',
] as const satisfies readonly (keyof RuleContent)[];

/** The normalised content of a caller's input (defaults applied, unknown fields dropped). */
export function contentOf(input: PrivacyRuleInput): RuleContent {
  const normalized = normalizeRule(input) as Partial<Record<keyof RuleContent, unknown>>;
  const content: Record<string, unknown> = {};
  for (const field of RULE_CONTENT_FIELDS)
    if (normalized[field] !== undefined) content[field] = normalized[field];
  return content as unknown as RuleContent;
}

/** The content part of a stored rule, comparable with `contentOf` through canonical JSON. */
export function contentOfRule(rule: PrivacyRule): RuleContent {
  const content: Record<string, unknown> = {};
  for (const field of RULE_CONTENT_FIELDS)
    if (rule[field] !== undefined) content[field] = rule[field];
  return content as unknown as RuleContent;
}

/** `changes` applied over a stored rule's content, as input for `contentOf` (PATCH semantics). */
export function mergeChanges(rule: PrivacyRule, changes: Partial<PrivacyRuleInput>): RuleContent {
  const merged: Record<string, unknown> = { ...contentOfRule(rule) };
  for (const [key, value] of Object.entries(changes)) if (value !== undefined) merged[key] = value;
  return contentOf(merged as unknown as PrivacyRuleInput);
}

/** A new rule at version 1. */
export function newRule(id: string, content: RuleContent, now: string): PrivacyRule {
  return { id, ...content, version: 1, createdAt: now, updatedAt: now };
}

/** The next version of `existing` with new content; id and createdAt never change. */
export function nextVersion(existing: PrivacyRule, content: RuleContent, now: string): PrivacyRule {
  return {
    id: existing.id,
    ...content,
    version: existing.version + 1,
    createdAt: existing.createdAt,
    updatedAt: now,
  };
}

/**
 * The stored rule a change applies to: RuleNotFoundError when there is none, and
 * RuleVersionMismatchError when the caller's expected version (If-Match) is not its current one.
 */
export function ruleToChange(
  id: string,
  existing: PrivacyRule | undefined,
  expectedVersion: number | undefined,
): PrivacyRule {
  if (!existing) throw new RuleNotFoundError(id);
  if (expectedVersion !== undefined && existing.version !== expectedVersion)
    throw new RuleVersionMismatchError(id, expectedVersion, existing.version);
  return existing;
}

/** Parses a stored row, turning a damaged body into a RulesStoreError. */
export function ruleFromRow(row: RuleRow): PrivacyRule {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.body);
  } catch {
    throw new RulesStoreError(`The stored body of rule ${row.id} is not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new RulesStoreError(`The stored body of rule ${row.id} is not an object`);
  // The indexed columns are authoritative for what the database itself enforces.
  return {
    ...(parsed as PrivacyRule),
    id: row.id,
    name: row.name,
    version: row.version,
    createdAt: row.created_at,
  };
}

export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0 && !error.message)
    return error.errors.map(describeError).join('; ');
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
