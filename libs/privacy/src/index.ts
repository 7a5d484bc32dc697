export * from './privacy-rule';
export { ruleProblems } from './rule-problems';
export { normalizeRule, DEFAULT_REPLACEMENT, type NormalizedRule } from './normalize-rule';
export { RuleSet, type RuleProblem } from './rule-set';
export { isValidTopicFilter, topicMatchesFilter } from './topic-filter';
export { hmacSha256Hex } from './hmac';
export { parseKeyPath, type KeyPath, type KeyPathSegment } from './key-path';
export { DEFAULT_MASK, maskText } from './mask';
export { RULE_LIMITS } from './limits';
export {
  SUBJECT_ACTIONS,
  SUBJECT_MAX_LENGTH,
  type SubjectAction,
  type SubjectEntry,
  normalizeSubject,
  subjectDigest,
  subjectFingerprint,
} from './subjects';
export { SubjectSet, type SubjectResult } from './subject-set';
export { unprotectedDetectors } from './personal-data-scan';
export { jsonEqual } from './json-walk';
