import RE2 from 're2';
import type { JsonTextView } from './json-text-view';

/** Finds the spans a rule acts on inside one string leaf. */
export interface TextMatcher {
  /**
   * Calls `visit` with each non-empty, non-overlapping match `[start, end)` (UTF-16 offsets),
   * left to right, until it returns false. Empty matches are ignored.
   */
  scan(text: string, visit: (start: number, end: number) => boolean): void;
  /**
   * Optional batch pre-check over several leaves joined with `\n`: returns the leaves that may
   * contain a match (a leaf not returned has none), using engine calls on the joined text only.
   */
  readonly candidatesIn?: (joined: JoinedLeaves) => ReadonlySet<string>;
  /**
   * Optional cheap necessary condition, true for any text containing a match and for any
   * `\n`-joined text containing such a leaf: false lets a rule skip the whole value unwalked.
   */
  readonly mayMatchIn?: (text: string) => boolean;
  /**
   * Optional necessary condition over a whole value's compact JSON text, when that text has no
   * escapes (so every string leaf appears in it as it is): false means no leaf can match, and
   * the value need not even be parsed.
   */
  readonly mayMatchInJson?: (json: JsonTextView) => boolean;
}

/**
 * String leaves joined with `\n`, built once per value and shared by the rules that see it.
 * The UTF-8 copy is made once, where each RE2 object would re-encode a string.
 */
export class JoinedLeaves {
  readonly text: string;
  private utf8: Buffer | undefined;
  private leafEnds: number[] | undefined;

  constructor(readonly leaves: readonly string[]) {
    this.text = leaves.join('\n');
  }

  /** The joined text as UTF-8. */
  get bytes(): Buffer {
    return (this.utf8 ??= Buffer.from(this.text, 'utf8'));
  }

  /** Byte offset of the separator after each leaf (the total length for the last leaf). */
  get ends(): readonly number[] {
    if (!this.leafEnds) {
      this.leafEnds = [];
      let offset = -1;
      for (const leaf of this.leaves) {
        offset += 1 + Buffer.byteLength(leaf, 'utf8');
        this.leafEnds.push(offset);
      }
    }
    return this.leafEnds;
  }
}

/** Extra check on an engine match, for context RE2 cannot express (it has no lookaround). */
export type MatchCheck = (text: string, start: number, end: number) => boolean;

/**
 * Runs `re` (a global RE2) over `text` with an exec loop. node-re2 caches the UTF-8 copy of the
 * last string, so the loop is linear; its `replace` with a callback is quadratic on long inputs.
 */
export function scanWithRe2(
  re: RE2,
  text: string,
  visit: (start: number, end: number) => boolean,
  check?: MatchCheck,
): void {
  re.lastIndex = 0;
  for (;;) {
    const found = re.exec(text);
    if (!found) return;
    const start = found.index;
    const end = start + found[0].length;
    if (end > start && end <= text.length && (!check || check(text, start, end))) {
      if (!visit(start, end)) return;
      re.lastIndex = end;
      continue;
    }
    // An empty or rejected match: retry one code point further, so a rejected candidate does
    // not hide a valid match that overlaps it, and the loop always advances.
    const code = text.charCodeAt(start);
    const next = start + (code >= 0xd800 && code <= 0xdbff ? 2 : 1);
    if (next > text.length) return;
    re.lastIndex = next;
  }
}

/** True when `matcher` finds at least one span in `text`. */
export function hasMatch(matcher: TextMatcher, text: string): boolean {
  let found = false;
  matcher.scan(text, () => {
    found = true;
    return false;
  });
  return found;
}

/** Replaces each span `matcher` finds with `replace(span)`; returns `text` itself when none. */
export function replaceMatches(
  matcher: TextMatcher,
  text: string,
  replace: (span: string) => string,
): string {
  let out = '';
  let last = 0;
  matcher.scan(text, (start, end) => {
    out += text.slice(last, start) + replace(text.slice(start, end));
    last = end;
    return true;
  });
  return last === 0 ? text : out + text.slice(last);
}
