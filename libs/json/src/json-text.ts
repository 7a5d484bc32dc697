import type { JsonValue } from './json-value';

/**
 * JSON text as PlaceOS sent it, and what the bridge may do to it. The bridge publishes a value's
 * text, not a re-serialisation of its parsed form: `JSON.parse` turns `12345678901234567891`
 * into `12345678901234567000`, `1.10` into `1.1`, and moves integer-like member names first.
 */

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const HAS_WHITESPACE = /[ \t\n\r]/;

/**
 * The text with the whitespace between tokens removed (whitespace inside strings is data), or
 * undefined when it is not JSON. Everything else stays as sent: number spellings, escapes,
 * member order, duplicate members.
 */
export function compactJson(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  return HAS_WHITESPACE.test(text) ? stripInsignificantWhitespace(text) : text;
}

/**
 * The text as a JSON document: itself when it is JSON (compacted), else the text as a JSON
 * string, so text that a driver stored broken is still published as valid JSON.
 */
export function jsonTextOf(text: string): { json: string; invalid: boolean } {
  const json = compactJson(text);
  return json === undefined
    ? { json: JSON.stringify(text), invalid: true }
    : { json, invalid: false };
}

/**
 * `text` compacted (see compactJson) when it is known to be valid JSON already, e.g. a member
 * of a document that parsed: no second parse.
 */
export function compactValidJson(text: string): string {
  return HAS_WHITESPACE.test(text) ? stripInsignificantWhitespace(text) : text;
}

/**
 * Where the JSON value that starts at `start` of the valid JSON document `text` ends (the
 * index just past it, trailing whitespace excluded). Linear; it does not validate.
 */
export function jsonValueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first !== 0x5b && first !== 0x7b) {
    let i = start;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (
        code === 0x2c ||
        code === 0x5d ||
        code === 0x7d ||
        code === SPACE ||
        code === TAB ||
        code === LF ||
        code === CR
      ) {
        break;
      }
      i++;
    }
    return i;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) i = stringEnd(text, i) - 1;
    else if (code === 0x5b || code === 0x7b) depth++;
    else if ((code === 0x5d || code === 0x7d) && --depth === 0) return i + 1;
  }
  return text.length;
}

/** The index just past the JSON string that starts (with its quote) at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i += 2;
    else if (code === QUOTE) return i + 1;
    else i++;
  }
  return text.length;
}

/** V8 keeps a slice of 13 characters or more as a view of its parent string. */
const SLICE_VIEW_MIN_LENGTH = 13;

/**
 * A copy of `text` that keeps no larger string alive. A slice of a WebSocket frame would hold the
 * whole frame in memory for as long as the value is stored (V8's sliced strings); a value held
 * for every status key must own its characters. Short strings are copies already.
 */
export function detachedString(text: string): string {
  return text.length < SLICE_VIEW_MIN_LENGTH ? text : (JSON.parse(JSON.stringify(text)) as string);
}

/** Removes whitespace outside strings from valid JSON text (one pass, linear). */
function stripInsignificantWhitespace(text: string): string {
  let out = '';
  let runStart = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (code === QUOTE) {
      inString = true;
    } else if (code === SPACE || code === TAB || code === LF || code === CR) {
      out += text.slice(runStart, i);
      runStart = i + 1;
    }
  }
  return runStart === 0 ? text : out + text.slice(runStart);
}

/**
 * Serialises `value`, which was derived from `original = JSON.parse(source)` by replacing some
 * parts (a privacy rule's hash, mask or replacement) without changing anything in place, reusing
 * the source's text for every part that is still the original's own: numbers keep their
 * spelling (also beyond 2^53), strings their escapes, members their order. Untouched parts are
 * recognised by reference, so they are copied, never parsed or compared. What changed, or is
 * new, is written by `JSON.stringify`. `source` must be valid, compact JSON (see compactJson).
 */
export function serializeLike(source: string, original: JsonValue, value: JsonValue): string {
  const writer = new LikeSourceWriter(source);
  writer.write(original, value);
  return writer.out;
}

class LikeSourceWriter {
  out = '';
  private at = 0;

  constructor(private readonly source: string) {}

  /** Writes `value` in place of the source value at `at` (parsed as `original`), moving past it. */
  write(original: JsonValue, value: JsonValue): void {
    const start = this.at;
    if (Object.is(original, value)) {
      this.at = jsonValueEnd(this.source, start);
      this.out += this.source.slice(start, this.at);
      return;
    }
    const first = this.source.charCodeAt(start);
    if (first === 0x5b /* [ */ && Array.isArray(value) && Array.isArray(original)) {
      return this.writeArray(original, value);
    }
    if (first === 0x7b /* { */ && isObject(value) && isObject(original)) {
      return this.writeObject(original, value);
    }
    this.at = jsonValueEnd(this.source, start);
    this.out += JSON.stringify(value) ?? 'null';
  }

  private writeArray(original: readonly JsonValue[], value: readonly JsonValue[]): void {
    this.at++; // [
    this.out += '[';
    let index = 0;
    while (this.source.charCodeAt(this.at) !== 0x5d /* ] */) {
      if (index > 0) this.at++; // ,
      if (index < value.length) {
        if (index > 0) this.out += ',';
        this.write(original[index], value[index]);
      } else {
        this.at = jsonValueEnd(this.source, this.at);
      }
      index++;
    }
    this.at++; // ]
    for (; index < value.length; index++) {
      if (index > 0) this.out += ',';
      this.out += JSON.stringify(value[index]) ?? 'null';
    }
    this.out += ']';
  }

  private writeObject(
    original: Readonly<Record<string, JsonValue>>,
    value: Readonly<Record<string, JsonValue>>,
  ): void {
    const start = this.at;
    const outStart = this.out.length;
    const members = this.writeMembers(original, value, undefined);
    // JSON.parse collapses duplicate members, so fewer keys than members means some; the first
    // occurrence then carries the kept value, which its own text may not be: written again.
    if (members !== Object.keys(original).length) {
      this.out = this.out.slice(0, outStart);
      this.at = start;
      this.writeMembers(original, value, this.duplicateKeys());
    }
  }

  /** Writes the object at `at`; returns how many members its text has. */
  private writeMembers(
    original: Readonly<Record<string, JsonValue>>,
    value: Readonly<Record<string, JsonValue>>,
    duplicated: ReadonlySet<string> | undefined,
  ): number {
    this.at++; // {
    this.out += '{';
    const written = duplicated ? new Set<string>() : undefined;
    let count = 0;
    let members = 0;
    while (this.source.charCodeAt(this.at) !== 0x7d /* } */) {
      if (members++ > 0) this.at++; // ,
      const keyStart = this.at;
      this.at = stringEnd(this.source, keyStart);
      const keyText = this.source.slice(keyStart, this.at);
      const key = stringOf(keyText);
      this.at++; // :
      if (!Object.hasOwn(value, key) || written?.has(key)) {
        this.at = jsonValueEnd(this.source, this.at);
        continue;
      }
      if (count++ > 0) this.out += ',';
      written?.add(key);
      this.out += `${keyText}:`;
      if (duplicated?.has(key)) {
        this.at = jsonValueEnd(this.source, this.at);
        this.out += JSON.stringify(value[key]) ?? 'null';
      } else {
        this.write(original[key], value[key]);
      }
    }
    this.at++; // }
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(original, key)) continue;
      if (count++ > 0) this.out += ',';
      this.out += `${JSON.stringify(key)}:${JSON.stringify(value[key]) ?? 'null'}`;
    }
    this.out += '}';
    return members;
  }

  /** The keys that occur more than once in the object at `at` (usually none: undefined). */
  private duplicateKeys(): Set<string> | undefined {
    const source = this.source;
    let i = this.at + 1;
    let seen: Set<string> | undefined;
    let duplicated: Set<string> | undefined;
    let members = 0;
    while (source.charCodeAt(i) !== 0x7d /* } */) {
      if (members++ > 0) i++; // ,
      const keyEnd = stringEnd(source, i);
      const key = stringOf(source.slice(i, keyEnd));
      i = jsonValueEnd(source, keyEnd + 1);
      seen ??= new Set();
      if (seen.has(key)) (duplicated ??= new Set()).add(key);
      else seen.add(key);
    }
    return duplicated;
  }
}

/** The string a JSON string literal stands for; without escapes, its text between the quotes. */
function stringOf(literal: string): string {
  return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}

function isObject(value: JsonValue): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
