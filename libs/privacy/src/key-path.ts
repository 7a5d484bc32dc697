import { RULE_LIMITS } from './limits';

/** One step of a key path. `anyChild` (`.*`) is any member of an object or element of an array. */
export type KeyPathSegment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'anyChild' }
  | { readonly kind: 'anyIndex' };

/** A parsed key path such as `attendees[*].email`. */
export type KeyPath = readonly KeyPathSegment[];

const ANY_CHILD: KeyPathSegment = Object.freeze({ kind: 'anyChild' });
const ANY_INDEX: KeyPathSegment = Object.freeze({ kind: 'anyIndex' });
const MAX_INDEX = 2 ** 31 - 1;

/**
 * Parses `a.b`, `list[*].c`, `list[0]`, `a.*`, `a[*][*].b`, `["key with.dots"]`, `a['x']`.
 * Bare names stop at `.`, `[`, `]`, quotes and whitespace; quote other keys. Undefined when invalid.
 */
export function parseKeyPath(path: string): KeyPath | undefined {
  if (typeof path !== 'string' || path.length === 0 || path.length > RULE_LIMITS.keyPathLength) {
    return undefined;
  }
  const segments: KeyPathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '[') {
      const parsed = parseBracket(path, i);
      if (!parsed) return undefined;
      segments.push(parsed.segment);
      i = parsed.next;
      continue;
    }
    if (segments.length > 0) {
      if (path[i] !== '.') return undefined;
      i++;
    }
    const start = i;
    while (i < path.length && !isNameBreak(path.charCodeAt(i))) i++;
    const name = path.slice(start, i);
    if (name.length === 0) return undefined;
    if (name === '*') segments.push(ANY_CHILD);
    else if (name.includes('*')) return undefined;
    else segments.push({ kind: 'key', key: name });
    if (i < path.length && path[i] !== '.' && path[i] !== '[') return undefined;
  }
  return segments.length <= RULE_LIMITS.keyPathSegments ? segments : undefined;
}

function isNameBreak(code: number): boolean {
  return (
    code === 0x2e || // .
    code === 0x5b || // [
    code === 0x5d || // ]
    code === 0x22 || // "
    code === 0x27 || // '
    code <= 0x20 ||
    code === 0x7f ||
    /\s/.test(String.fromCharCode(code))
  );
}

function parseBracket(
  path: string,
  open: number,
): { segment: KeyPathSegment; next: number } | undefined {
  const close = path.indexOf(']', open);
  const quote = path[open + 1];
  if (quote === '"' || quote === "'") return parseQuoted(path, open + 2, quote);
  if (close === -1) return undefined;
  const inner = path.slice(open + 1, close);
  if (inner === '*') return { segment: ANY_INDEX, next: close + 1 };
  if (!/^(0|[1-9][0-9]{0,9})$/.test(inner)) return undefined;
  const index = Number(inner);
  if (index > MAX_INDEX) return undefined;
  return { segment: { kind: 'index', index }, next: close + 1 };
}

function parseQuoted(
  path: string,
  start: number,
  quote: string,
): { segment: KeyPathSegment; next: number } | undefined {
  let key = '';
  for (let i = start; i < path.length; i++) {
    const c = path[i];
    if (c === '\\') {
      const escaped = path[i + 1];
      if (escaped !== '\\' && escaped !== '"' && escaped !== "'") return undefined;
      key += escaped;
      i++;
    } else if (c === quote) {
      if (path[i + 1] !== ']') return undefined;
      return { segment: { kind: 'key', key }, next: i + 2 };
    } else {
      key += c;
    }
  }
  return undefined;
}
