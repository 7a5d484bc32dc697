import type { JsonValue } from '@app/json';

/** Built-in detectors a rule can select content with (admin-api.md, `match.detector`). */
export const DETECTOR_NAMES = ['email', 'uuid', 'phone', 'ipv4', 'placeos_user_id'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

export const RULE_ACTIONS = ['hash', 'mask', 'replace', 'drop'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export type RuleMatch = { detector: DetectorName } | { regex: string; flags?: string };

export interface MaskOptions {
  char: string;
  keepStart: number;
  keepEnd: number;
  /** For emails: keep `@domain` readable and mask only the local part. */
  keepDomain: boolean;
}

/**
 * What a client sends to create or replace a rule (admin-api.md "Rule resource").
 * Defaults: enabled true, priority 100, topic "#", brokers ["*"], no match (whole value),
 * no keys (every string leaf).
 */
export interface PrivacyRuleInput {
  name: string;
  description?: string;
  enabled?: boolean;
  priority?: number;
  topic?: string;
  brokers?: string[];
  match?: RuleMatch;
  keys?: string[];
  action: RuleAction;
  mask?: Partial<MaskOptions>;
  replacement?: string;
}

/** A stored rule, as the admin API returns it. */
export interface PrivacyRule {
  id: string;
  name: string;
  description?: string;
  enabled: boolean;
  priority: number;
  topic: string;
  brokers: string[];
  match?: RuleMatch;
  keys?: string[];
  action: RuleAction;
  mask?: MaskOptions;
  replacement?: string;
  version: number;
  /** ISO-8601 */
  createdAt: string;
  /** ISO-8601 */
  updatedAt: string;
}

/** The broker a message is being filtered for: rules select brokers by id, `hash` keys on the secret. */
export interface FilterTarget {
  id: string;
  secret: string;
}

export interface AppliedRule {
  id: string;
  name: string;
  action: RuleAction;
}

/** The outcome of running a rule set over one message for one broker. */
export type FilterResult =
  | { outcome: 'publish'; value: JsonValue; changed: boolean; applied: AppliedRule[] }
  | { outcome: 'drop'; applied: AppliedRule[] };
