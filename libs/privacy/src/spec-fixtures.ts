// Builders shared by this library's specs (not exported from index.ts).
import type { JsonValue } from '@app/json';
import { normalizeRule } from './normalize-rule';
import type { PrivacyRule, PrivacyRuleInput } from './privacy-rule';

let sequence = 0;

/** A stored rule from an input, with a fresh id and an increasing createdAt unless given. */
export function storedRule(
  input: Partial<PrivacyRuleInput> & Pick<PrivacyRuleInput, 'action'>,
  stored: Partial<Pick<PrivacyRule, 'id' | 'createdAt'>> = {},
): PrivacyRule {
  sequence++;
  const createdAt =
    stored.createdAt ?? new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString();
  return {
    ...normalizeRule({ name: `rule-${sequence}`, ...input }),
    id: stored.id ?? `r${String(sequence).padStart(4, '0')}`,
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
}

/** Freezes a JSON value recursively, so any mutation throws in strict-mode code. */
export function deepFreeze<T extends JsonValue>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
