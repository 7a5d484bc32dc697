/** Upper bounds on what one rule may contain, so no rule can make compile or apply expensive. */
export const RULE_LIMITS = {
  regexLength: 1000,
  keyPaths: 64,
  keyPathLength: 256,
  keyPathSegments: 32,
  brokers: 256,
  replacementLength: 1000,
  maskKeep: 1000,
  nameLength: 200,
  descriptionLength: 2000,
  /** Deeper JSON values are dropped (fail closed) instead of being walked. */
  valueDepth: 256,
} as const;
