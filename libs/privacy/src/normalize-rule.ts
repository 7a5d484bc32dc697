import { DEFAULT_MASK } from './mask';
import type { PrivacyRule, PrivacyRuleInput, RuleMatch } from './privacy-rule';

/** The stored form of a rule without server-assigned fields. */
export type NormalizedRule = Omit<PrivacyRule, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

/** Text that `replace` puts in place of what it selects when the rule gives none. */
export const DEFAULT_REPLACEMENT = '[redacted]';

/**
 * Applies the defaults (enabled, priority 100, topic `#`, brokers `["*"]`). `mask` is filled for
 * `mask` rules and `replacement` for `replace` rules; given for another action they are kept
 * (normalised) but ignored. `keys: []` means the same as no keys (every string leaf).
 */
export function normalizeRule(input: PrivacyRuleInput): NormalizedRule {
  const rule: NormalizedRule = {
    name: input.name,
    enabled: input.enabled ?? true,
    priority: input.priority ?? 100,
    topic: input.topic ?? '#',
    brokers: input.brokers === undefined ? ['*'] : [...new Set(input.brokers)],
    action: input.action,
  };
  if (input.description !== undefined) rule.description = input.description;
  if (input.match !== undefined) rule.match = copyMatch(input.match);
  if (input.keys !== undefined && input.keys.length > 0) rule.keys = [...input.keys];
  if (input.mask !== undefined || input.action === 'mask') {
    rule.mask = { ...DEFAULT_MASK, ...definedOnly(input.mask ?? {}) };
  }
  if (input.replacement !== undefined || input.action === 'replace') {
    rule.replacement = input.replacement ?? DEFAULT_REPLACEMENT;
  }
  return rule;
}

function copyMatch(match: RuleMatch): RuleMatch {
  if ('detector' in match) return { detector: match.detector };
  return match.flags === undefined || match.flags === ''
    ? { regex: match.regex }
    : { regex: match.regex, flags: match.flags };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as Partial<T>;
}
