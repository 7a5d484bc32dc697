import { describe, expect, it } from 'vitest';
import { encodePayload, jsonTextOfValue } from './payload';

describe('encodePayload', () => {
  it('matches upstream expected_payload("on") at epoch 0', () => {
    expect(encodePayload('"on"', 0, 'ms')).toBe('{"time":0,"value":"on"}');
    expect(encodePayload('"on"', 0, 's')).toBe('{"time":0,"value":"on"}');
  });

  it('writes milliseconds, or whole seconds rounded down', () => {
    expect(encodePayload('true', 1_732_500_000_123, 'ms')).toBe(
      '{"time":1732500000123,"value":true}',
    );
    expect(encodePayload('true', 1_732_500_000_999, 's')).toBe('{"time":1732500000,"value":true}');
    expect(encodePayload('true', 1_732_500_000_123.7, 'ms')).toBe(
      '{"time":1732500000123,"value":true}',
    );
  });

  it('embeds the value text exactly as given, numbers and member order included', () => {
    for (const json of [
      '12345678901234567891',
      '-9007199254740993',
      '1.10',
      '1e3',
      '{"2":"b","1":"a","x":[2.50]}',
      '"\\u00e9"',
    ]) {
      expect(encodePayload(json, 5, 'ms')).toBe(`{"time":5,"value":${json}}`);
    }
  });

  it('publishes a deleted key as null', () => {
    expect(encodePayload('null', 7, 'ms')).toBe('{"time":7,"value":null}');
  });

  it('throws a clear error for a time that is not a number', () => {
    expect(() => encodePayload('1', Number.NaN, 'ms')).toThrow('finite');
  });
});

describe('jsonTextOfValue', () => {
  it('serialises compactly, with null where JSON.stringify gives nothing', () => {
    expect(jsonTextOfValue({ a: [1, { b: null }], 'c d': 'x' })).toBe(
      '{"a":[1,{"b":null}],"c d":"x"}',
    );
    expect(jsonTextOfValue(undefined)).toBe('null');
    expect(jsonTextOfValue(Number.NaN)).toBe('null');
    expect(jsonTextOfValue('\ud800|😀|\u0000')).toBe('"\\ud800|😀|\\u0000"');
  });

  it('throws a clear error instead of writing broken JSON', () => {
    const depth = 200_000;
    const deep = JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
    expect(() => jsonTextOfValue(deep)).toThrow('nested too deeply');
  });
});
