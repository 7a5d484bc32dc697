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
 * Serialises `value`, which was derived from `JSON.parse(source)` by changing some leaves (a
 * privacy rule's hash, mask or replacement), reusing the source's text for everything that
 * kept its value: numbers keep their spelling (also beyond 2^53), strings their escapes, and
 * members their order. What changed, or is new, is written by `JSON.stringify`. `source` must
 * be valid, compact JSON (see compactJson).
 */
export function serializeLike(source: string, value: JsonValue): string {
  const writer = new LikeSourceWriter(source);
  writer.write(value);
  return writer.out;
}

class LikeSourceWriter {
  out = '';
  private at = 0;

  constructor(private readonly source: string) {}

  /** Writes `value` in place of the source value that starts at `at`, then moves past it. */
  write(value: JsonValue): void {
    const start = this.at;
    const first = this.source.charCodeAt(start);
    if (first === 0x5b /* [ */ && Array.isArray(value)) return this.writeArray(value);
    if (first === 0x7b /* { */ && isObject(value)) return this.writeObject(value);
    this.skipValue();
    const text = this.source.slice(start, this.at);
    if (first !== 0x5b && first !== 0x7b && sameLeaf(JSON.parse(text) as JsonValue, value)) {
      this.out += text;
    } else {
      this.out += JSON.stringify(value) ?? 'null';
    }
  }

  private writeArray(value: readonly JsonValue[]): void {
    this.at++; // [
    this.out += '[';
    let index = 0;
    while (this.source.charCodeAt(this.at) !== 0x5d /* ] */) {
      if (index > 0) this.at++; // ,
      if (index < value.length) {
        if (index > 0) this.out += ',';
        this.write(value[index]);
      } else {
        this.skipValue();
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

  private writeObject(value: Readonly<Record<string, JsonValue>>): void {
    this.at++; // {
    this.out += '{';
    const written = new Set<string>();
    let members = 0;
    while (this.source.charCodeAt(this.at) !== 0x7d /* } */) {
      if (members++ > 0) this.at++; // ,
      const keyStart = this.at;
      this.skipString();
      const keyText = this.source.slice(keyStart, this.at);
      const key = JSON.parse(keyText) as string;
      this.at++; // :
      // JSON.parse keeps the last of duplicate members; the first occurrence carries it here.
      if (Object.hasOwn(value, key) && !written.has(key)) {
        if (written.size > 0) this.out += ',';
        written.add(key);
        this.out += `${keyText}:`;
        this.write(value[key]);
      } else {
        this.skipValue();
      }
    }
    this.at++; // }
    for (const key of Object.keys(value)) {
      if (written.has(key)) continue;
      if (written.size > 0) this.out += ',';
      written.add(key);
      this.out += `${JSON.stringify(key)}:${JSON.stringify(value[key]) ?? 'null'}`;
    }
    this.out += '}';
  }

  private skipString(): void {
    this.at = stringEnd(this.source, this.at);
  }

  /** Moves past one value of the (compact, valid) source. */
  private skipValue(): void {
    this.at = jsonValueEnd(this.source, this.at);
  }
}

function isObject(value: JsonValue): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameLeaf(a: JsonValue, b: JsonValue): boolean {
  return Object.is(a, b) || (a === 0 && b === 0);
}
