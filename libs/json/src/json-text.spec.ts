import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactJson, jsonTextOf, serializeLike } from './json-text';
import type { JsonValue } from './json-value';

describe('compactJson', () => {
  it('keeps numbers, escapes and member order exactly as sent', () => {
    const sent =
      '{"b":12345678901234567891,"1":-9007199254740993,"x":[1.10,1e3,2.50],"s":"\\u00e9"}';
    expect(compactJson(sent)).toBe(sent);
  });

  it('removes whitespace between tokens only', () => {
    expect(compactJson(' { "a" : [ 1 ,\n\t2 ] , "b" : "x y\\" z" }\r\n')).toBe(
      '{"a":[1,2],"b":"x y\\" z"}',
    );
  });

  it('returns undefined for text that is not JSON', () => {
    for (const text of ['', '{', 'hello', '{"a":1}x', 'NaN', "{'a':1}"]) {
      expect(compactJson(text)).toBeUndefined();
    }
  });

  it('gives text whose parse equals the parse of the input, for any JSON with any spacing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const compact = compactJson(text);
        expect(compact).toBeDefined();
        expect(JSON.parse(compact as string)).toEqual(JSON.parse(text));
        expect(compact).not.toMatch(/^\s|\s$/);
        // Compact input is returned as it is.
        expect(compactJson(JSON.stringify(value))).toBe(JSON.stringify(value));
      }),
    );
  });
});

describe('jsonTextOf', () => {
  it('turns broken text into a JSON string of that text', () => {
    expect(jsonTextOf('{"a":')).toEqual({ json: '"{\\"a\\":"', invalid: true });
    expect(jsonTextOf(' 1.10 ')).toEqual({ json: '1.10', invalid: false });
  });
});

describe('serializeLike', () => {
  it('is the source itself when nothing changed', () => {
    const source = '{"z":1.10,"2":12345678901234567891,"a":[1e3,"\\u0041",true,null]}';
    const parsed = JSON.parse(source) as JsonValue;
    expect(serializeLike(source, parsed, parsed)).toBe(source);
  });

  it('rewrites a changed string and keeps every untouched number as sent', () => {
    const source = '{"id":12345678901234567891,"who":"alice@example.com","price":2.50,"n":[1e3]}';
    const value = JSON.parse(source) as Record<string, JsonValue>;
    const changed = { ...value, who: '[redacted]' };
    expect(serializeLike(source, value, changed)).toBe(
      '{"id":12345678901234567891,"who":"[redacted]","price":2.50,"n":[1e3]}',
    );
  });

  it('writes changed containers, removed members and new members', () => {
    const source = '{"a":{"b":"x","c":-0},"d":[1,2,3],"e":"gone"}';
    const original = JSON.parse(source) as { a: JsonValue; d: JsonValue[] };
    const value = { a: { b: 'y', c: -0, f: 'new' }, d: original.d.slice(0, 2) } as JsonValue;
    expect(serializeLike(source, original as JsonValue, value)).toBe(
      '{"a":{"b":"y","c":-0,"f":"new"},"d":[1,2]}',
    );
    expect(serializeLike('[1]', [1], [1, 'more'])).toBe('[1,"more"]');
    expect(serializeLike('"text"', 'text', { now: 'object' })).toBe('{"now":"object"}');
  });

  it('keeps the last of duplicate members, as JSON.parse does', () => {
    const source = '{"a":"first","a":"last","b":{"c":1,"c":[2.50]}}';
    const original = JSON.parse(source) as { a: string; b: { c: JsonValue } };
    // `a` is written anew; `b` is untouched, so its text goes as sent (JSON.parse of it still
    // keeps the last `c`).
    expect(serializeLike(source, original, { ...original, a: 'last' })).toBe(
      '{"a":"last","b":{"c":1,"c":[2.50]}}',
    );
    // Unchanged as a whole: the text as sent, duplicates and all.
    expect(serializeLike(source, original, original)).toBe(source);
  });

  it('keeps an untouched escaped key and its value as sent beside a changed member', () => {
    const source = '{"caf\\u00e9":1.10,"who":"x"}';
    const original = JSON.parse(source) as Record<string, JsonValue>;
    expect(serializeLike(source, original, { ...original, who: 'y' })).toBe(
      '{"caf\\u00e9":1.10,"who":"y"}',
    );
  });

  it('matches JSON.stringify of the value for any JSON source and any leaf edit', () => {
    const edit = (value: JsonValue): JsonValue => {
      if (typeof value === 'string') return value.length % 2 === 0 ? `#${value}` : value;
      if (Array.isArray(value)) return value.map(edit);
      if (value !== null && typeof value === 'object') {
        const copy: Record<string, JsonValue> = {};
        for (const key of Object.keys(value)) copy[key] = edit(value[key]);
        return copy;
      }
      return value;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (generated) => {
        const source = JSON.stringify(generated);
        const original = JSON.parse(source) as JsonValue;
        const edited = edit(original);
        expect(JSON.parse(serializeLike(source, original, edited))).toEqual(edited);
        // fast-check's numbers round-trip, so the text equals a plain re-serialisation.
        expect(serializeLike(source, original, edited)).toBe(JSON.stringify(edited));
      }),
    );
  });
});
