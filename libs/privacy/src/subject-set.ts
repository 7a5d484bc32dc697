import type { JsonValue } from '@app/json';
import { builtInDetectors, type NamedDetector } from './detectors';
import { hmacSha256Hex } from './hmac';
import { collectStringLeaves, mapStringLeaves } from './json-walk';
import { DEFAULT_REPLACEMENT } from './normalize-rule';
import { SUBJECT_MAX_LENGTH, type SubjectAction, type SubjectEntry } from './subjects';

/** What registered subjects do to one value. */
export type SubjectResult =
  | {
      outcome: 'publish';
      value: JsonValue;
      /** The actions that changed the value, once each; empty when nothing matched. */
      actions: readonly SubjectAction[];
    }
  | { outcome: 'drop' };

interface Span {
  start: number;
  end: number;
  entry: SubjectEntry;
}

/** Where subjects occur in one string leaf. */
interface LeafHits {
  whole?: SubjectEntry;
  spans: Span[];
}

type ValuePlan = Map<string, LeafHits> | 'drop';

/** Normalised candidates remembered per set; cleared when full, so memory stays bounded. */
const MEMO_LIMIT = 20_000;
const NO_ACTIONS: readonly SubjectAction[] = Object.freeze([]);

/**
 * The registered data subjects, compiled for matching: a map from keyed digest to entry. A
 * candidate text is normalised, hashed with the subject key and looked up, so the cost per
 * candidate is one HMAC (memoised per distinct text) and a map lookup, however many subjects
 * there are. Candidates are each string leaf and each built-in detector match inside it.
 */
export class SubjectSet {
  static readonly EMPTY: SubjectSet = new SubjectSet(new Map(), '');

  private readonly memo = new Map<string, SubjectEntry | null>();
  // The brokers of one message usually see the same value: its plan is reused.
  private lastValue: JsonValue | undefined;
  private lastPlan: ValuePlan | undefined;

  private constructor(
    private readonly byDigest: ReadonlyMap<string, SubjectEntry>,
    private readonly key: string,
  ) {}

  /** `key` is the subject key the digests were made with (the rules store keeps it). */
  static compile(entries: Iterable<SubjectEntry>, key: string): SubjectSet {
    const byDigest = new Map<string, SubjectEntry>();
    for (const entry of entries) byDigest.set(entry.digest, entry);
    return byDigest.size === 0 ? SubjectSet.EMPTY : new SubjectSet(byDigest, key);
  }

  get size(): number {
    return this.byDigest.size;
  }

  /**
   * Applies the subjects to `value` for a broker whose HMAC secret is `secret`. Never mutates
   * `value`; an unchanged value comes back as the same reference. A value too deep to inspect
   * is dropped (fail closed), as the rule engine does.
   */
  apply(value: JsonValue, secret: string): SubjectResult {
    if (this.byDigest.size === 0) return { outcome: 'publish', value, actions: NO_ACTIONS };
    let plan: ValuePlan;
    if (this.lastPlan !== undefined && Object.is(value, this.lastValue)) {
      plan = this.lastPlan;
    } else {
      plan = this.planValue(value);
      this.lastValue = value;
      this.lastPlan = plan;
    }
    if (plan === 'drop') return { outcome: 'drop' };
    if (plan.size === 0) return { outcome: 'publish', value, actions: NO_ACTIONS };
    const actions = new Set<SubjectAction>();
    const next = mapStringLeaves(value, (text) => {
      const hits = plan.get(text);
      return hits ? this.rewrite(text, hits, secret, actions) : text;
    });
    return { outcome: 'publish', value: next, actions: [...actions] };
  }

  private planValue(value: JsonValue): ValuePlan {
    let leaves: string[];
    try {
      leaves = collectStringLeaves(value, []);
    } catch {
      return 'drop';
    }
    const plan = new Map<string, LeafHits>();
    if (leaves.length === 0) return plan;
    const joined = leaves.length === 1 ? leaves[0] : leaves.join('\n');
    const active = builtInDetectors().filter(
      ({ matcher }) => !matcher.mayMatchIn || matcher.mayMatchIn(joined),
    );
    for (const leaf of leaves) {
      if (plan.has(leaf)) continue;
      const hits = this.leafHits(leaf, active);
      if (!hits) continue;
      if (hits.whole?.action === 'drop' || hits.spans.some((s) => s.entry.action === 'drop')) {
        return 'drop';
      }
      plan.set(leaf, hits);
    }
    return plan;
  }

  private leafHits(leaf: string, detectors: readonly NamedDetector[]): LeafHits | undefined {
    const trimmed = leaf.trim();
    if (trimmed.length === 0) return undefined;
    const spans: Span[] = [];
    let wholeIsEmail = false;
    for (const { name, matcher } of detectors) {
      matcher.scan(leaf, (start, end) => {
        const text = leaf.slice(start, end);
        const email = name === 'email';
        if (email && text === trimmed) wholeIsEmail = true;
        const entry = this.lookup(email ? text.toLowerCase() : text);
        if (entry) spans.push({ start, end, entry });
        return true;
      });
    }
    const whole = this.lookup(wholeIsEmail ? trimmed.toLowerCase() : trimmed);
    if (!whole && spans.length === 0) return undefined;
    spans.sort((a, b) => a.start - b.start);
    return whole ? { whole, spans: [] } : { spans };
  }

  private lookup(normalized: string): SubjectEntry | undefined {
    if (normalized.length === 0 || normalized.length > SUBJECT_MAX_LENGTH) return undefined;
    let entry = this.memo.get(normalized);
    if (entry === undefined) {
      entry = this.byDigest.get(hmacSha256Hex(this.key, normalized)) ?? null;
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(normalized, entry);
    }
    return entry ?? undefined;
  }

  private rewrite(
    text: string,
    hits: LeafHits,
    secret: string,
    actions: Set<SubjectAction>,
  ): string {
    if (hits.whole) return replacementFor(hits.whole, text, secret, actions);
    let out = '';
    let last = 0;
    for (const span of hits.spans) {
      // Detectors may overlap (an id inside an address): the earlier, outer match wins.
      if (span.start < last) continue;
      const found = text.slice(span.start, span.end);
      out += text.slice(last, span.start) + replacementFor(span.entry, found, secret, actions);
      last = span.end;
    }
    return out + text.slice(last);
  }
}

function replacementFor(
  entry: SubjectEntry,
  found: string,
  secret: string,
  actions: Set<SubjectAction>,
): string {
  actions.add(entry.action);
  // As the `hash` rule action does: the text as found, keyed with the broker's secret.
  if (entry.action === 'hash') return hmacSha256Hex(secret, found);
  return entry.replacement ?? DEFAULT_REPLACEMENT;
}
