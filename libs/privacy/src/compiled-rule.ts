import type { JsonValue } from '@app/json';
import { detectorMatcher } from './detectors';
import { hmacSha256Hex } from './hmac';
import { collectStringLeaves, mapStringLeaves, someStringLeaf } from './json-walk';
import { parseKeyPath, type KeyPath } from './key-path';
import { DEFAULT_MASK, maskText } from './mask';
import { DEFAULT_REPLACEMENT } from './normalize-rule';
import type { JsonTextView } from './json-text-view';
import { PathSelector } from './path-selector';
import type { AppliedRule, MaskOptions, PrivacyRule, RuleAction } from './privacy-rule';
import { RegexMatcher } from './regex-matcher';
import { ruleProblems } from './rule-problems';
import { JoinedLeaves, hasMatch, replaceMatches, type TextMatcher } from './text-matcher';
import { TopicFilter } from './topic-filter';

/** Returned by CompiledRule.run when the rule drops the message. */
export const DROP: unique symbol = Symbol('drop');

/** Per-apply memo of the value's string leaves, shared by rules that see the same value. */
export class LeafScratch {
  private value: JsonValue | undefined;
  private strings: string[] | undefined;
  private joined: JoinedLeaves | undefined;

  /** Every string leaf of `value`. */
  stringsOf(value: JsonValue): string[] {
    if (this.strings === undefined || !Object.is(this.value, value)) {
      this.value = value;
      this.strings = collectStringLeaves(value, []);
      this.joined = undefined;
    }
    return this.strings;
  }

  /** Every string leaf of `value`, joined. */
  joinedOf(value: JsonValue): JoinedLeaves {
    const strings = this.stringsOf(value);
    return (this.joined ??= new JoinedLeaves(strings));
  }
}

/** What a value's JSON text must contain for a key path to select anything in it. */
interface PathNeedles {
  /** `{` when the path starts with a member name, `[` with an index; undefined for `*`. */
  root: string | undefined;
  /** Each member name the path walks through, as JSON text writes it: `"name":`. */
  names: readonly string[];
}

function pathNeedles(path: KeyPath): PathNeedles {
  const first = path[0];
  const root =
    first?.kind === 'key'
      ? '{'
      : first?.kind === 'index' || first?.kind === 'anyIndex'
        ? '['
        : undefined;
  const names = path.flatMap((segment) =>
    segment.kind === 'key' ? [`${JSON.stringify(segment.key)}:`] : [],
  );
  return { root, names };
}

/** One enabled rule, with its topic filter, key paths and matcher compiled once. */
export class CompiledRule {
  readonly info: AppliedRule;
  /**
   * What the rule does and where it sits in the order, as text: two rules with the same key act
   * identically (the name is left out; it changes nothing a broker receives).
   */
  readonly key: string;
  readonly priority: number;
  readonly createdAt: string;
  readonly id: string;
  private readonly filter: TopicFilter;
  private readonly allBrokers: boolean;
  private readonly brokers: ReadonlySet<string>;
  private readonly selector: PathSelector | undefined;
  private readonly matcher: TextMatcher | undefined;
  private readonly action: RuleAction;
  private readonly mask: MaskOptions;
  private readonly replacement: string;
  /**
   * Per key path, the member names it walks through as they appear in JSON text (`"name":`):
   * a value whose text lacks one of a path's names has nothing at that path.
   */
  private readonly pathNeedles: readonly PathNeedles[] | undefined;

  private constructor(rule: PrivacyRule, filter: TopicFilter, paths: KeyPath[] | undefined) {
    this.id = rule.id;
    this.priority = rule.priority ?? 100;
    this.createdAt = rule.createdAt ?? '';
    this.info = Object.freeze({ id: rule.id, name: rule.name, action: rule.action });
    this.key = JSON.stringify([
      rule.id,
      this.priority,
      this.createdAt,
      rule.topic ?? '#',
      rule.brokers ?? ['*'],
      rule.match ?? null,
      rule.keys ?? null,
      rule.action,
      rule.mask ?? null,
      rule.replacement ?? null,
    ]);
    this.filter = filter;
    const brokers = rule.brokers ?? ['*'];
    this.allBrokers = brokers.includes('*');
    this.brokers = new Set(brokers);
    this.selector = paths && paths.length > 0 ? new PathSelector(paths) : undefined;
    this.pathNeedles =
      paths && paths.length > 0 ? paths.map((path) => pathNeedles(path)) : undefined;
    const match = rule.match;
    this.matcher =
      match === undefined
        ? undefined
        : 'detector' in match
          ? detectorMatcher(match.detector)
          : new RegexMatcher(match.regex, match.flags);
    this.action = rule.action;
    const mask: Partial<MaskOptions> = rule.mask ?? {};
    this.mask = {
      char: mask.char ?? DEFAULT_MASK.char,
      keepStart: mask.keepStart ?? DEFAULT_MASK.keepStart,
      keepEnd: mask.keepEnd ?? DEFAULT_MASK.keepEnd,
      keepDomain: mask.keepDomain ?? DEFAULT_MASK.keepDomain,
    };
    this.replacement = rule.replacement ?? DEFAULT_REPLACEMENT;
  }

  /** Compiles a stored rule; throws an Error listing its problems when it cannot run. */
  static compile(rule: PrivacyRule): CompiledRule {
    const problems = ruleProblems(rule);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const filter = TopicFilter.compile(rule.topic ?? '#');
    if (!filter) throw new Error(`topic: ${rule.topic} is not a valid MQTT topic filter`);
    const paths = rule.keys?.map((path) => {
      const parsed = parseKeyPath(path);
      if (!parsed) throw new Error(`keys: ${path} is not a valid key path`);
      return parsed;
    });
    return new CompiledRule(rule, filter, paths);
  }

  /** Whether this rule's topic filter and broker list select the message. */
  selects(topicLevels: readonly string[], brokerId: string): boolean {
    return (
      (this.allBrokers || this.brokers.has(brokerId)) && this.filter.matchesLevels(topicLevels)
    );
  }

  /** Whether this rule's topic filter matches, whatever the broker. */
  matchesTopic(topicLevels: readonly string[]): boolean {
    return this.filter.matchesLevels(topicLevels);
  }

  /**
   * False when this rule cannot change or drop the value whose compact JSON text is `json`, which
   * must contain no escapes (every member name and string leaf then appears in it as it is): a
   * key path whose names are missing selects nothing, and a matcher's necessary condition that
   * fails on the whole text fails on every leaf. True when it may.
   */
  mayApplyToJson(json: JsonTextView): boolean {
    const needles = this.pathNeedles;
    const text = json.text;
    if (
      needles &&
      !needles.some(
        ({ root, names }) =>
          (root === undefined || text.startsWith(root)) &&
          names.every((name) => text.includes(name)),
      )
    ) {
      return false;
    }
    const matcher = this.matcher;
    if (matcher?.mayMatchInJson) return matcher.mayMatchInJson(json);
    return true;
  }

  /** The value after this rule (the same reference when unchanged), or DROP. */
  run(value: JsonValue, secret: string, scratch: LeafScratch): JsonValue | typeof DROP {
    const matcher = this.matcher;
    if (
      !this.selector &&
      matcher?.mayMatchIn &&
      !matcher.mayMatchIn(scratch.joinedOf(value).text)
    ) {
      return value;
    }
    let candidates: ReadonlySet<string> | undefined;
    if (matcher?.candidatesIn) {
      const strings = this.selector
        ? this.selector.collectStrings(value)
        : scratch.stringsOf(value);
      if (strings.length === 0) return value;
      if (strings.length > 1) {
        const joined = this.selector ? new JoinedLeaves(strings) : scratch.joinedOf(value);
        candidates = matcher.candidatesIn(joined);
        if (candidates.size === 0) return value;
      }
    }
    if (this.action === 'drop') return this.finds(value, candidates) ? DROP : value;
    const transform = this.transformFor(secret);
    const edit = matcher
      ? (text: string) =>
          candidates && !candidates.has(text) ? text : replaceMatches(matcher, text, transform)
      : transform;
    return this.selector
      ? this.selector.map(value, edit, matcher === undefined)
      : mapStringLeaves(value, edit);
  }

  private transformFor(secret: string): (text: string) => string {
    switch (this.action) {
      case 'hash':
        return (text) => hmacSha256Hex(secret, text);
      case 'mask':
        return (text) => maskText(text, this.mask);
      default:
        return () => this.replacement;
    }
  }

  /** Whether the content selector finds anything (for `drop`). */
  private finds(value: JsonValue, candidates: ReadonlySet<string> | undefined): boolean {
    const matcher = this.matcher;
    if (!matcher) return this.selector ? this.selector.anyPresent(value) : true;
    const test = (text: string) => (!candidates || candidates.has(text)) && hasMatch(matcher, text);
    return this.selector ? this.selector.someString(value, test) : someStringLeaf(value, test);
  }
}
