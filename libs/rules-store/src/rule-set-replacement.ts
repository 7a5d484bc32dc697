import type { PrivacyRule, PrivacyRuleInput } from '@app/privacy';
import { canonicalJson } from './canonical-json';
import { contentOf, contentOfRule, type RuleContent } from './rule-content';
import { RuleNameTakenError } from './rules-store-errors';

/** What `replaceAll` must write, in input order; both backends apply it in one transaction. */
export interface RuleSetReplacement {
  /** Stored rules no input names. */
  deleted: PrivacyRule[];
  /** New names (no `existing`) and rules whose content changed (with `existing`). */
  writes: { content: RuleContent; existing?: PrivacyRule }[];
}

/**
 * Matches the inputs to the stored rules by name: a matched rule keeps its id and createdAt and
 * is written only if its content changed. A name given twice is refused, as the UNIQUE index
 * would refuse it.
 */
export function planRuleSetReplacement(
  stored: readonly PrivacyRule[],
  inputs: readonly PrivacyRuleInput[],
): RuleSetReplacement {
  const contents = inputs.map(contentOf);
  const wanted = new Set(contents.map((c) => c.name));
  const existingByName = new Map(stored.map((rule) => [rule.name, rule]));
  const deleted = stored.filter((rule) => !wanted.has(rule.name));
  const writes: RuleSetReplacement['writes'] = [];
  const seen = new Set<string>();
  for (const content of contents) {
    if (seen.has(content.name)) throw new RuleNameTakenError(content.name);
    seen.add(content.name);
    const existing = existingByName.get(content.name);
    if (!existing) writes.push({ content });
    else if (canonicalJson(contentOfRule(existing)) !== canonicalJson(content))
      writes.push({ content, existing });
  }
  return { deleted, writes };
}
