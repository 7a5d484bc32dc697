import RE2 from 're2';
import { RULE_LIMITS } from './limits';
import type { JsonTextView } from './json-text-view';
import { requiredLiterals } from './required-literals';
import { scanWithRe2, type JoinedLeaves, type TextMatcher } from './text-matcher';

const ALLOWED_FLAGS = 'imsu';

/** Why a user regex cannot be used, or undefined when RE2 compiles it. */
export function regexProblem(pattern: unknown, flags: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    return 'match.regex: must be a non-empty string';
  }
  if (pattern.length > RULE_LIMITS.regexLength) {
    return `match.regex: longer than ${RULE_LIMITS.regexLength} characters`;
  }
  if (flags !== undefined) {
    if (typeof flags !== 'string') return 'match.flags: must be a string';
    for (let i = 0; i < flags.length; i++) {
      if (!ALLOWED_FLAGS.includes(flags[i]) || flags.indexOf(flags[i]) !== i) {
        return `match.flags: ${JSON.stringify(flags)} is not allowed; use each of i, m, s, u at most once (matching is always global)`;
      }
    }
  }
  try {
    new RE2(pattern, `${engineFlags(flags ?? '')}gu`);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `match.regex: the linear-time engine (RE2) cannot run ${quote(pattern)}: ${reason} (backreferences and lookaround are not supported)`;
  }
}

/** The user's flags RE2 needs to hear about; `u` is implied (RE2 always matches code points). */
function engineFlags(flags: string): string {
  return [...new Set(flags.replace(/[^ims]/g, ''))].join('');
}

function quote(text: string): string {
  const json = JSON.stringify(text);
  return json.length > 120 ? `${json.slice(0, 117)}..."` : json;
}

/** A user-supplied regular expression, run by RE2 in linear time. */
export class RegexMatcher implements TextMatcher {
  private readonly re: RE2;
  private readonly joinedRe: RE2 | undefined;
  readonly candidatesIn: ((joined: JoinedLeaves) => ReadonlySet<string>) | undefined;
  readonly mayMatchInJson: ((json: JsonTextView) => boolean) | undefined;

  /** Throws when RE2 refuses the pattern; call regexProblem first for a readable message. */
  constructor(pattern: string, flags = '') {
    const base = engineFlags(flags);
    this.re = new RE2(pattern, `${base}gu`);
    // With '\n' between leaves and multi-line `^`/`$`, every match inside a leaf is also a match
    // of the joined text, so leaves no joined match touches cannot match. Patterns that can tell
    // a leaf edge from a line break (`\A`, `\z`, inline flags) get no batch pre-check.
    if (joinSafe(pattern)) {
      this.joinedRe = new RE2(pattern, `${base.replace('m', '')}gmu`);
      this.candidatesIn = (joined) => this.leavesTouched(joined);
    }
    // Inside a JSON text a leaf sits between quotes, not at a line edge: only patterns that
    // cannot tell the two apart (no anchors, no \B) match a text wherever they match a leaf.
    if (joinSafe(pattern) && jsonSafe(pattern)) {
      const jsonRe = new RE2(pattern, `${base}u`);
      const ignoreCase = base.includes('i');
      const literals = requiredLiterals(pattern).map((l) => (ignoreCase ? l.toLowerCase() : l));
      // Most texts lack a literal every match needs: an `includes`, not an engine call.
      this.mayMatchInJson = (json) => {
        const text = ignoreCase ? json.lower : json.text;
        if (text !== undefined && literals.some((literal) => !text.includes(literal))) {
          return false;
        }
        return jsonRe.test(json.text);
      };
    }
  }

  scan(text: string, visit: (start: number, end: number) => boolean): void {
    scanWithRe2(this.re, text, visit);
  }

  private leavesTouched({ leaves, bytes, ends }: JoinedLeaves): ReadonlySet<string> {
    const touched = new Set<string>();
    const re = this.joinedRe;
    if (!re || leaves.length === 0) return touched;
    const lastLeaf = leaves.length - 1;
    let leaf = 0;
    let marked = -1;
    re.lastIndex = 0;
    for (;;) {
      const found = re.exec(bytes);
      if (!found) break;
      const start = found.index;
      const end = start + found[0].length;
      while (start > ends[leaf] && leaf < lastLeaf) leaf++;
      // Mark every leaf the match touches (a match may span separators).
      const last = Math.max(start, end - 1);
      for (;;) {
        if (marked < leaf) {
          marked = leaf;
          touched.add(leaves[leaf]);
        }
        if (last <= ends[leaf] || leaf === lastLeaf) break;
        leaf++;
      }
      if (marked === lastLeaf) break;
      const next = end > start ? end : nextCharStart(bytes, start);
      if (next > bytes.length) break;
      re.lastIndex = next;
    }
    return touched;
  }
}

/** The byte offset of the UTF-8 character after the one starting at `at`. */
function nextCharStart(bytes: Buffer, at: number): number {
  let next = at + 1;
  while (next < bytes.length && (bytes[next] & 0xc0) === 0x80) next++;
  return next;
}

/** False for patterns with `^`, `$` or `\B` outside a character class. */
function jsonSafe(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (!inClass && pattern[i + 1] === 'B') return false;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      // A `]` right after `[` or `[^` is a member, not the end.
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '^' || c === '$') {
      return false;
    }
  }
  return true;
}

/** False for patterns using `\A`, `\z` or inline flag groups (which could turn `m` off). */
function joinSafe(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === 'A' || next === 'z') return false;
      i++;
    } else if (c === '(' && pattern[i + 1] === '?') {
      const after = pattern[i + 2];
      if (after !== ':' && after !== '<' && after !== 'P') return false;
    }
  }
  return true;
}
