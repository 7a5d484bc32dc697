import type { JsonValue } from '@app/json';
import { CompiledRule, DROP, LeafScratch } from './compiled-rule';
import { JsonTextView } from './json-text-view';
import { jsonEqual } from './json-walk';
import type { AppliedRule, FilterResult, FilterTarget, PrivacyRule } from './privacy-rule';

/** A rule that could not be compiled, and why. */
export interface RuleProblem {
  ruleId: string;
  message: string;
}

const NO_RULES: readonly CompiledRule[] = Object.freeze([]);
const SELECTION_CACHE_LIMIT = 20_000;

/** The enabled rules, compiled once per change and applied in priority order. */
export class RuleSet {
  /** A rule set without rules: every message passes unchanged. */
  static readonly EMPTY: RuleSet = RuleSet.compile([]);

  /** Rules that were skipped because they cannot run. */
  readonly problems: ReadonlyArray<RuleProblem>;
  // broker id → canonical topic → the rules that select it; bounded (cleared when full).
  private readonly selection = new Map<string, Map<string, readonly CompiledRule[]>>();
  private selectionSize = 0;

  private constructor(
    private readonly rules: readonly CompiledRule[],
    problems: RuleProblem[],
  ) {
    this.problems = Object.freeze(problems);
  }

  /** Compiles the enabled rules (lower priority first; ties: older createdAt, then id). */
  static compile(rules: readonly PrivacyRule[]): RuleSet {
    const compiled: CompiledRule[] = [];
    const problems: RuleProblem[] = [];
    for (const rule of rules) {
      if (rule?.enabled === false) continue;
      try {
        compiled.push(CompiledRule.compile(rule));
      } catch (error) {
        problems.push({
          ruleId: typeof rule?.id === 'string' ? rule.id : '(no id)',
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    compiled.sort(compareRules);
    return new RuleSet(compiled, problems);
  }

  /** Number of enabled rules that compiled. */
  get size(): number {
    return this.rules.length;
  }

  /**
   * Runs the chain over `value` for one broker. Never mutates `value`; an unchanged value comes
   * back as the same reference. A value too deep to inspect is dropped (fail closed) with the
   * rules applied so far, which is the only way a drop has no drop rule in `applied`.
   */
  apply(canonicalTopic: string, value: JsonValue, target: FilterTarget): FilterResult {
    return this.runChain(this.rulesFor(canonicalTopic, target.id), value, target);
  }

  /**
   * Whether some rule may change or drop the value whose compact JSON text is `json` at this
   * topic for this broker. False is certain, and spares parsing the text at all: no rule selects
   * the topic, or none finds in the text what it needs (a key path's names, a detector's
   * characters, a match of its pattern).
   */
  mayChange(canonicalTopic: string, brokerId: string, json: string): boolean {
    const rules = this.rulesFor(canonicalTopic, brokerId);
    if (rules.length === 0) return false;
    // With escapes, a leaf's characters are not in the text as they are: no conclusion.
    if (json.includes('\\')) return true;
    const view = new JsonTextView(json);
    return rules.some((rule) => rule.mayApplyToJson(view));
  }

  /**
   * apply() for a topic already split on `/`, selecting its rules without the per-topic cache:
   * for sweeps over every topic (impact), which would only evict the live path's entries.
   */
  applyToLevels(
    topicLevels: readonly string[],
    value: JsonValue,
    target: FilterTarget,
  ): FilterResult {
    const rules = this.rules.filter((rule) => rule.selects(topicLevels, target.id));
    return this.runChain(rules, value, target);
  }

  private runChain(
    rules: readonly CompiledRule[],
    value: JsonValue,
    target: FilterTarget,
  ): FilterResult {
    if (rules.length === 0) return { outcome: 'publish', value, changed: false, applied: [] };
    const applied: AppliedRule[] = [];
    const scratch = new LeafScratch();
    let current = value;
    try {
      for (const rule of rules) {
        const next = rule.run(current, target.secret, scratch);
        if (next === DROP) {
          applied.push(rule.info);
          return { outcome: 'drop', applied };
        }
        if (!Object.is(next, current)) {
          applied.push(rule.info);
          current = next;
        }
      }
    } catch {
      return { outcome: 'drop', applied };
    }
    const changed = applied.length > 0 && !jsonEqual(current, value);
    return { outcome: 'publish', value: changed ? current : value, changed, applied };
  }

  /** Whether some enabled rule's topic filter and broker list select this message. */
  selects(canonicalTopic: string, brokerId: string): boolean {
    return this.rulesFor(canonicalTopic, brokerId).length > 0;
  }

  /**
   * Whether some enabled rule selects the topic (split on `/`): for `brokerId`, or for any
   * broker when it is omitted. Uncached, so a sweep over every topic leaves the per-topic
   * selection cache alone.
   */
  mayApplyTo(topicLevels: readonly string[], brokerId?: string): boolean {
    return brokerId === undefined
      ? this.rules.some((rule) => rule.matchesTopic(topicLevels))
      : this.rules.some((rule) => rule.selects(topicLevels, brokerId));
  }

  /**
   * The rules that `a` and `b` do not share (compared by what they do and where they sit in the
   * order), as a set to ask `mayApplyTo`. A message that none of them selects goes through the
   * same rules in the same order under `a` and `b`, so both give it the same result.
   */
  static difference(a: RuleSet, b: RuleSet): RuleSet {
    const inA = new Set(a.rules.map((rule) => rule.key));
    const inB = new Set(b.rules.map((rule) => rule.key));
    const differing = [
      ...a.rules.filter((rule) => !inB.has(rule.key)),
      ...b.rules.filter((rule) => !inA.has(rule.key)),
    ];
    return new RuleSet(differing, []);
  }

  private rulesFor(topic: string, brokerId: string): readonly CompiledRule[] {
    if (this.rules.length === 0) return NO_RULES;
    let byTopic = this.selection.get(brokerId);
    let selected = byTopic?.get(topic);
    if (selected === undefined) {
      const levels = topic.split('/');
      const matching = this.rules.filter((rule) => rule.selects(levels, brokerId));
      selected = matching.length === 0 ? NO_RULES : matching;
      if (this.selectionSize >= SELECTION_CACHE_LIMIT) {
        this.selection.clear();
        this.selectionSize = 0;
        byTopic = undefined;
      }
      if (!byTopic) {
        byTopic = new Map();
        this.selection.set(brokerId, byTopic);
      }
      byTopic.set(topic, selected);
      this.selectionSize++;
    }
    return selected;
  }
}

function compareRules(a: CompiledRule, b: CompiledRule): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const aTime = Date.parse(a.createdAt);
  const bTime = Date.parse(b.createdAt);
  if (!Number.isNaN(aTime) && !Number.isNaN(bTime)) {
    if (aTime !== bTime) return aTime - bTime;
  } else if (a.createdAt !== b.createdAt) {
    return a.createdAt < b.createdAt ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
