/** Characters with a meaning of their own in RE2 syntax (outside a character class). */
const META = new Set(['\\', '.', '[', ']', '(', ')', '{', '}', '|', '?', '*', '+', '^', '$']);
/** Escapes that stand for the character itself. */
const LITERAL_ESCAPES = new Set([...META, '-', '/', ' ', '#', '&', '~', '"', "'", ':', '=', '@']);

/**
 * Literal texts every match of `pattern` contains, found conservatively: runs of plain
 * characters at the top level of the pattern (outside groups and classes, with no alternation
 * at that level) that no quantifier can make optional. An empty list means nothing is known.
 * Checking that a text contains them (`includes`) is far cheaper than an engine call, and a
 * text that lacks one cannot match.
 */
export function requiredLiterals(pattern: string): string[] {
  const literals: string[] = [];
  let run = '';
  const flush = (): void => {
    if (run.length > 0) literals.push(run);
    run = '';
  };
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '|') return []; // a top-level alternative need not contain anything
    let literal: string | undefined;
    let end = i + 1;
    if (c === '\\') {
      const escaped = pattern[i + 1];
      if (escaped !== undefined && LITERAL_ESCAPES.has(escaped)) literal = escaped;
      end = i + 2;
    } else if (c === '(') {
      end = groupEnd(pattern, i) + 1;
    } else if (c === '[') {
      end = classEnd(pattern, i) + 1;
    } else if (!META.has(c)) {
      literal = c;
    }
    const quantifier = quantifierAt(pattern, end);
    if (literal === undefined || quantifier.min === 0) {
      flush();
    } else if (quantifier.end > end) {
      // `a+` or `a{2}` needs an `a`, but what follows may not touch it.
      run += literal;
      flush();
    } else {
      run += literal;
    }
    i = quantifier.end;
  }
  flush();
  return literals;
}

/** The quantifier at `at`, if any: the fewest repeats it allows and where it ends. */
function quantifierAt(pattern: string, at: number): { min: number; end: number } {
  const q = pattern[at];
  let min = 1;
  let end = at;
  if (q === '?' || q === '*' || q === '+') {
    min = q === '+' ? 1 : 0;
    end = at + 1;
  } else if (q === '{') {
    const close = pattern.indexOf('}', at);
    if (close === -1) return { min: 1, end: at };
    min = Number.parseInt(pattern.slice(at + 1, close), 10) || 0;
    end = close + 1;
  } else {
    return { min, end };
  }
  if (pattern[end] === '?') end++; // lazy
  return { min, end };
}

/** The index of the `)` that closes the group opened at `open`. */
function groupEnd(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(pattern, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return pattern.length;
}

/** The index of the `]` that closes the class opened at `open`. */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}
