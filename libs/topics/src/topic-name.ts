/** MQTT's limit on a topic name's length in UTF-8 bytes (MQTT 3.1.1 §1.5.3, 5.0 §1.5.4). */
export const MQTT_MAX_TOPIC_BYTES = 65_535;

/** Limits a destination broker puts on topic names (e.g. AWS IoT Core: 256 bytes, 8 levels). */
export interface TopicLimits {
  maxTopicBytes?: number;
  maxTopicLevels?: number;
  /** AWS IoT Core does not count its Basic Ingest prefix `$aws/rules/<rule>/` against the limits. */
  exemptAwsBasicIngest?: boolean;
}

/** Which topic limit a topic breaks (a low-cardinality reason, e.g. for refusal counters). */
export type TopicLimitKind = 'topic_levels' | 'topic_bytes';

export interface TopicLimitViolation {
  kind: TopicLimitKind;
  detail: string;
}

// Linear: the class excludes the `/` that ends each part.
const AWS_BASIC_INGEST = /^\$aws\/rules\/[^/]*\//;

/** Why the text is not a valid MQTT topic name to publish to, or undefined when it is. */
export function topicNameProblem(topic: string): string | undefined {
  if (topic === '') return 'topic is empty';
  const problem = forbiddenCharacterProblem(topic);
  if (problem !== undefined) return `topic ${problem}`;
  const bytes = Buffer.byteLength(topic, 'utf8');
  if (bytes > MQTT_MAX_TOPIC_BYTES)
    return `topic is ${bytes} bytes, MQTT allows ${MQTT_MAX_TOPIC_BYTES}`;
  return undefined;
}

/** A `+` or `#` wildcard, NUL or a lone surrogate (no UTF-8 form) in text meant for a topic name. */
export function forbiddenCharacterProblem(text: string): string | undefined {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit === 0x2b || unit === 0x23) return `contains the MQTT wildcard '${text[i]}'`;
    if (unit === 0) return 'contains NUL (U+0000)';
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        return 'contains a lone surrogate (not valid UTF-8)';
      }
      i += 1;
    }
  }
  return undefined;
}

/** MQTT rules for a PUBLISH topic name: non-empty, ≤ 65535 UTF-8 bytes, no `+ #` or NUL, valid UTF-8. */
export function isValidTopicName(topic: string): boolean {
  return topicNameProblem(topic) === undefined;
}

/**
 * Every topic limit the topic breaks, levels first. The one check of topic limits in the bridge:
 * publishing refuses with it, start-up checks templates with it, the admin preview reports it.
 */
export function topicLimitViolations(topic: string, limits: TopicLimits): TopicLimitViolation[] {
  const limited = limits.exemptAwsBasicIngest ? topic.replace(AWS_BASIC_INGEST, '') : topic;
  const violations: TopicLimitViolation[] = [];
  const levels = topicLevelCount(limited);
  if (limits.maxTopicLevels !== undefined && levels > limits.maxTopicLevels) {
    violations.push({
      kind: 'topic_levels',
      detail: `topic has ${levels} levels, broker allows ${limits.maxTopicLevels}`,
    });
  }
  const bytes = Buffer.byteLength(limited, 'utf8');
  if (limits.maxTopicBytes !== undefined && bytes > limits.maxTopicBytes) {
    violations.push({
      kind: 'topic_bytes',
      detail: `topic is ${bytes} bytes, broker allows ${limits.maxTopicBytes}`,
    });
  }
  return violations;
}

/** Why a broker with these limits would refuse the topic, or undefined when it fits. */
export function topicLimitProblem(topic: string, limits: TopicLimits): string | undefined {
  const violations = topicLimitViolations(topic, limits);
  return violations.length > 0 ? violations.map((v) => v.detail).join('; ') : undefined;
}

/** Levels are separated by `/`; `a/b` has 2 levels, `/` has 2 (both empty). */
export function topicLevelCount(topic: string): number {
  let count = 1;
  for (let i = topic.indexOf('/'); i !== -1; i = topic.indexOf('/', i + 1)) count += 1;
  return count;
}
