const MAX_TOPIC_BYTES = 65535;

/** True when `filter` is a valid MQTT topic filter (`+` fills a level, `#` fills the last level). */
export function isValidTopicFilter(filter: string): boolean {
  if (typeof filter !== 'string' || filter.length === 0) return false;
  if (filter.includes('\u0000') || Buffer.byteLength(filter, 'utf8') > MAX_TOPIC_BYTES)
    return false;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return false;
    if (level.includes('+') && level !== '+') return false;
  }
  return true;
}

/** A topic filter split into levels once, matched against topics split into levels. */
export class TopicFilter {
  private readonly levels: readonly string[];
  private readonly matchesAll: boolean;

  private constructor(readonly source: string) {
    this.levels = source.split('/');
    this.matchesAll = source === '#';
  }

  /** Compiles a filter; undefined when it is not a valid MQTT topic filter. */
  static compile(filter: string): TopicFilter | undefined {
    return isValidTopicFilter(filter) ? new TopicFilter(filter) : undefined;
  }

  /** Matches a topic already split on `/`. */
  matchesLevels(topicLevels: readonly string[]): boolean {
    const filter = this.levels;
    const first = filter[0];
    // MQTT: topics starting with `$` are not matched by a filter starting with a wildcard.
    if ((first === '#' || first === '+') && topicLevels[0].charCodeAt(0) === 36) return false;
    if (this.matchesAll) return true;
    for (let i = 0; i < filter.length; i++) {
      const level = filter[i];
      if (level === '#') return true; // also matches the parent level (`a/#` matches `a`)
      if (i >= topicLevels.length) return false;
      if (level !== '+' && level !== topicLevels[i]) return false;
    }
    return topicLevels.length === filter.length;
  }
}

/** MQTT topic-filter matching, including `#` matching the parent level and the `$` rule. */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  const compiled = TopicFilter.compile(filter);
  return (
    compiled !== undefined && typeof topic === 'string' && compiled.matchesLevels(topic.split('/'))
  );
}
