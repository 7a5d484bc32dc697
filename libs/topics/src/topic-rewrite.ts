import { metadataTopic, stateTopic, stateTopicLevelCount, TOPIC_ROOT } from './state-topic';
import { forbiddenCharacterProblem, type TopicLimits, topicLimitViolations } from './topic-name';

/** How a destination broker wants topics changed (per-broker `topicPrefix` / `topicTemplate`). */
export interface TopicRewrite {
  topicPrefix?: string;
  topicTemplate?: string;
}

/** Placeholders every template knows besides the hierarchy tags; they win over a tag of the same name. */
const FIXED_PLACEHOLDERS = ['org', 'system', 'driver', 'module', 'index', 'key', 'topic'] as const;

/** Without these (or `{topic}`) two different states could be written to one topic. */
const IDENTIFYING_PLACEHOLDERS = ['system', 'module', 'index', 'key'] as const;

type Segment = { text: string } | { level: number } | { whole: true };

const compiledTemplates = new Map<string, Segment[]>();
const MAX_COMPILED_TEMPLATES = 64;

/**
 * Why the template cannot be used with this hierarchy, or undefined when it can. Placeholders are
 * `{org}`, each hierarchy tag by name (`{building}`, `{level}`, `{area}`, `{region}`…), `{system}`,
 * `{driver}`, `{module}`, `{index}`, `{key}` and `{topic}` (the whole canonical topic). The
 * template must keep states apart: it needs `{topic}`, or all of `{system}`, `{module}`,
 * `{index}` and `{key}`. Its literal text must not contain `+`, `#` or NUL.
 */
export function validateTopicTemplate(
  template: string,
  hierarchy: readonly string[],
): string | undefined {
  const result = compileTemplate(template, hierarchy);
  return typeof result === 'string' ? result : undefined;
}

/** Why the prefix cannot start an MQTT topic name (`+`, `#`, NUL, lone surrogates), or undefined. */
export function validateTopicPrefix(prefix: string): string | undefined {
  const problem = forbiddenCharacterProblem(prefix);
  return problem === undefined ? undefined : `topicPrefix ${problem}`;
}

/**
 * The topic a destination publishes a canonical topic under. A template rewrites canonical state
 * topics from their levels (already encoded, so inserted as they are); metadata and other topics
 * keep their text. The prefix, if any, is then prepended as is to every topic (e.g. `tenant-a/`).
 * Throws an Error naming the problem for an invalid template (see validateTopicTemplate).
 */
export function destinationTopic(
  canonical: string,
  rewrite: TopicRewrite,
  hierarchy: readonly string[],
): string {
  let topic = canonical;
  if (rewrite.topicTemplate !== undefined) {
    const segments = compiledTemplate(rewrite.topicTemplate, hierarchy);
    const levels = canonical.split('/');
    if (isStateTopicShape(levels, hierarchy.length)) topic = render(segments, levels, canonical);
  }
  return rewrite.topicPrefix === undefined ? topic : `${rewrite.topicPrefix}${topic}`;
}

/**
 * Lengths the start-up check assumes for the levels that vary: PlaceOS ids are about 15
 * characters (`sys-FhjmXm3FJbb`), module names and status keys short words. Longer ones are
 * refused one by one, and counted, when published.
 */
const TYPICAL_ID_BYTES = 24;
const TYPICAL_MODULE_BYTES = 32;
const TYPICAL_KEY_BYTES = 48;
const TYPICAL_INDEX = 100;

/**
 * Why the topics a destination publishes (state and metadata, after its prefix and template)
 * break its topic limits, or undefined when they fit. The level count is exact, as encoded
 * levels never contain `/`; byte lengths are checked for ids, names and keys of typical length.
 * Throws like destinationTopic for an invalid template (validate it first).
 */
export function destinationLimitProblem(
  rewrite: TopicRewrite,
  hierarchy: readonly string[],
  limits: TopicLimits,
): string | undefined {
  const id = 'i'.repeat(TYPICAL_ID_BYTES);
  const samples: [string, string][] = [
    [
      'state',
      stateTopic({
        org: id,
        levels: hierarchy.slice(1).map(() => id),
        systemId: id,
        driverId: id,
        moduleName: 'm'.repeat(TYPICAL_MODULE_BYTES),
        index: TYPICAL_INDEX,
        key: 'k'.repeat(TYPICAL_KEY_BYTES),
      }),
    ],
    ['metadata', metadataTopic(id, id)],
  ];
  for (const [kind, canonical] of samples) {
    const violations = topicLimitViolations(
      destinationTopic(canonical, rewrite, hierarchy),
      limits,
    );
    if (violations.length === 0) continue;
    const typical = violations.some((v) => v.kind === 'topic_bytes')
      ? ` (assuming ${TYPICAL_ID_BYTES}-byte ids, ${TYPICAL_MODULE_BYTES}-byte module names and ${TYPICAL_KEY_BYTES}-byte status keys)`
      : '';
    return `${kind} topics break the broker's limits: ${violations.map((v) => v.detail).join('; ')}${typical}`;
  }
  return undefined;
}

function isStateTopicShape(levels: string[], hierarchyLength: number): boolean {
  return (
    levels.length === stateTopicLevelCount(hierarchyLength) &&
    levels[0] === TOPIC_ROOT &&
    levels[2] === 'state'
  );
}

function render(segments: Segment[], levels: string[], canonical: string): string {
  let topic = '';
  for (const segment of segments) {
    if ('text' in segment) topic += segment.text;
    else if ('level' in segment) topic += levels[segment.level];
    else topic += canonical;
  }
  return topic;
}

function compiledTemplate(template: string, hierarchy: readonly string[]): Segment[] {
  const cacheKey = `${hierarchy.join('\u0000')}\u0001${template}`;
  const cached = compiledTemplates.get(cacheKey);
  if (cached !== undefined) return cached;
  const result = compileTemplate(template, hierarchy);
  if (typeof result === 'string') throw new Error(result);
  if (compiledTemplates.size >= MAX_COMPILED_TEMPLATES) compiledTemplates.clear();
  compiledTemplates.set(cacheKey, result);
  return result;
}

/** The template as segments, or the text of its first problem. Linear scan, no regex. */
function compileTemplate(template: string, hierarchy: readonly string[]): Segment[] | string {
  if (template === '') return 'topicTemplate is empty';
  const placeholders = placeholderLevels(hierarchy);
  const segments: Segment[] = [];
  const used = new Set<string>();
  let position = 0;
  while (position < template.length) {
    const open = template.indexOf('{', position);
    const close = template.indexOf('}', position);
    if (close !== -1 && (open === -1 || close < open)) {
      return `topicTemplate has an unmatched '}' at position ${close}`;
    }
    const literalEnd = open === -1 ? template.length : open;
    if (literalEnd > position) {
      const text = template.slice(position, literalEnd);
      const problem = forbiddenCharacterProblem(text);
      if (problem !== undefined) return `topicTemplate ${problem}`;
      segments.push({ text });
    }
    if (open === -1) break;
    const end = template.indexOf('}', open + 1);
    const nextOpen = template.indexOf('{', open + 1);
    if (end === -1 || (nextOpen !== -1 && nextOpen < end)) {
      return `topicTemplate has an unmatched '{' at position ${open}`;
    }
    const name = template.slice(open + 1, end);
    const level = placeholders.get(name);
    if (level === undefined) {
      const known = [...placeholders.keys()].map((n) => `{${n}}`).join(', ');
      return `topicTemplate uses unknown placeholder {${name}}; known placeholders: ${known}`;
    }
    segments.push(level === 'topic' ? { whole: true } : { level });
    used.add(name);
    position = end + 1;
  }
  const missing = IDENTIFYING_PLACEHOLDERS.filter((name) => !used.has(name));
  if (!used.has('topic') && missing.length > 0) {
    return (
      `topicTemplate lacks ${missing.map((n) => `{${n}}`).join(', ')}: different states would share ` +
      'one topic (use {topic}, or all of {system}, {module}, {index} and {key})'
    );
  }
  return segments;
}

/** Placeholder name → index of its level in a split canonical state topic (or 'topic'). */
function placeholderLevels(hierarchy: readonly string[]): Map<string, number | 'topic'> {
  const n = hierarchy.length;
  const levels = new Map<string, number | 'topic'>();
  hierarchy.forEach((tag, i) => levels.set(tag, i === 0 ? 1 : 2 + i));
  const fixed: Record<(typeof FIXED_PLACEHOLDERS)[number], number | 'topic'> = {
    org: 1,
    system: n + 2,
    driver: n + 3,
    module: n + 4,
    index: n + 5,
    key: n + 6,
    topic: 'topic',
  };
  for (const name of FIXED_PLACEHOLDERS) levels.set(name, fixed[name]);
  return levels;
}
