import { detectorMatcher } from './detectors';
import { parseKeyPath } from './key-path';
import { RULE_LIMITS } from './limits';
import { DETECTOR_NAMES, RULE_ACTIONS, type PrivacyRuleInput } from './privacy-rule';
import { regexProblem } from './regex-matcher';
import { isValidTopicFilter } from './topic-filter';

/**
 * Semantic problems with a rule, beyond the DTO's shape (empty = usable). `mask` and
 * `replacement` given for another action are accepted and ignored, so a rule can switch actions
 * without losing its settings; they are still checked, so a stored rule never holds a bad mask.
 */
export function ruleProblems(input: PrivacyRuleInput): string[] {
  if (typeof input !== 'object' || input === null) return ['rule: must be an object'];
  const problems: string[] = [];
  const { name, description, action, enabled, priority, topic, brokers, match, keys, mask } = input;
  const { replacement } = input;

  if (typeof name !== 'string' || name.trim().length === 0) {
    problems.push('name: must be a non-empty string');
  } else if (name.length > RULE_LIMITS.nameLength) {
    problems.push(`name: longer than ${RULE_LIMITS.nameLength} characters`);
  }
  if (
    description !== undefined &&
    (typeof description !== 'string' || description.length > RULE_LIMITS.descriptionLength)
  ) {
    problems.push(
      `description: must be a string of at most ${RULE_LIMITS.descriptionLength} characters`,
    );
  }
  if (!(RULE_ACTIONS as readonly unknown[]).includes(action)) {
    problems.push(`action: must be one of ${RULE_ACTIONS.join(', ')}`);
  }
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    problems.push('enabled: must be a boolean');
  }
  if (priority !== undefined && !Number.isSafeInteger(priority)) {
    problems.push('priority: must be an integer');
  }
  if (topic !== undefined && (typeof topic !== 'string' || !isValidTopicFilter(topic))) {
    problems.push(
      `topic: ${quote(topic)} is not a valid MQTT topic filter ('+' and '#' must fill a whole level, '#' only as the last level)`,
    );
  }
  problems.push(...brokerProblems(brokers));
  problems.push(...matchProblems(match));
  problems.push(...keyProblems(keys));
  problems.push(...maskProblems(mask));
  if (replacement !== undefined) {
    if (typeof replacement !== 'string') problems.push('replacement: must be a string');
    else if (replacement.length > RULE_LIMITS.replacementLength) {
      problems.push(`replacement: longer than ${RULE_LIMITS.replacementLength} characters`);
    }
  }
  return problems;
}

function brokerProblems(brokers: unknown): string[] {
  if (brokers === undefined) return [];
  if (!Array.isArray(brokers) || brokers.length === 0) {
    return ['brokers: must list broker ids or "*" (omit it for all brokers)'];
  }
  if (brokers.length > RULE_LIMITS.brokers) {
    return [`brokers: more than ${RULE_LIMITS.brokers} entries`];
  }
  const bad = brokers.findIndex((id) => typeof id !== 'string' || id.length === 0);
  return bad === -1 ? [] : [`brokers[${bad}]: must be a non-empty string`];
}

function matchProblems(match: unknown): string[] {
  if (match === undefined) return [];
  if (typeof match !== 'object' || match === null || Array.isArray(match)) {
    return ['match: must be {"detector": NAME} or {"regex": "...", "flags": "..."}'];
  }
  const fields = match as Record<string, unknown>;
  const hasDetector = fields.detector !== undefined;
  const hasRegex = fields.regex !== undefined;
  if (hasDetector === hasRegex) {
    return ['match: give exactly one of "detector" or "regex"'];
  }
  if (hasDetector) {
    const known = typeof fields.detector === 'string' && detectorMatcher(fields.detector);
    return known ? [] : [`match.detector: must be one of ${DETECTOR_NAMES.join(', ')}`];
  }
  const problem = regexProblem(fields.regex, fields.flags);
  return problem ? [problem] : [];
}

function keyProblems(keys: unknown): string[] {
  if (keys === undefined) return [];
  if (!Array.isArray(keys)) return ['keys: must be an array of key paths'];
  if (keys.length > RULE_LIMITS.keyPaths) {
    return [`keys: more than ${RULE_LIMITS.keyPaths} key paths`];
  }
  const problems: string[] = [];
  keys.forEach((path: unknown, i) => {
    if (typeof path !== 'string' || parseKeyPath(path) === undefined) {
      problems.push(
        `keys[${i}]: ${quote(path)} is not a valid key path (like a.b, list[*].c, list[0], a.*, a["odd key"]; at most ${RULE_LIMITS.keyPathLength} characters and ${RULE_LIMITS.keyPathSegments} steps)`,
      );
    }
  });
  return problems;
}

function maskProblems(mask: unknown): string[] {
  if (mask === undefined) return [];
  if (typeof mask !== 'object' || mask === null || Array.isArray(mask)) {
    return ['mask: must be an object'];
  }
  const { char, keepStart, keepEnd, keepDomain } = mask as Record<string, unknown>;
  const problems: string[] = [];
  if (char !== undefined && (typeof char !== 'string' || [...char].length !== 1)) {
    problems.push('mask.char: must be exactly one character');
  }
  for (const [field, keep] of [
    ['keepStart', keepStart],
    ['keepEnd', keepEnd],
  ] as const) {
    if (
      keep !== undefined &&
      (!Number.isSafeInteger(keep) ||
        (keep as number) < 0 ||
        (keep as number) > RULE_LIMITS.maskKeep)
    ) {
      problems.push(`mask.${field}: must be an integer from 0 to ${RULE_LIMITS.maskKeep}`);
    }
  }
  if (keepDomain !== undefined && typeof keepDomain !== 'boolean') {
    problems.push('mask.keepDomain: must be a boolean');
  }
  return problems;
}

function quote(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}
