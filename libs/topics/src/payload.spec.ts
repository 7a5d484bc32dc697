import type { JsonValue } from '@app/placeos-client';
import { describe, expect, it } from 'vitest';
import { encodePayload } from './payload';

describe('encodePayload', () => {
  it('matches upstream expected_payload("on") at epoch 0', () => {
    expect(encodePayload('on', 0, 'ms')).toBe('{"time":0,"value":"on"}');
    expect(encodePayload('on', 0, 's')).toBe('{"time":0,"value":"on"}');
  });

  it('writes milliseconds, or whole seconds rounded down', () => {
    expect(encodePayload(true, 1_732_500_000_123, 'ms')).toBe(
      '{"time":1732500000123,"value":true}',
    );
    expect(encodePayload(true, 1_732_500_000_999, 's')).toBe('{"time":1732500000,"value":true}');
    expect(encodePayload(true, 1_732_500_000_123.7, 'ms')).toBe(
      '{"time":1732500000123,"value":true}',
    );
  });

  it('embeds the value as raw compact JSON, not a string of JSON', () => {
    expect(encodePayload({ a: [1, { b: null }], 'c d': 'x' }, 5, 'ms')).toBe(
      '{"time":5,"value":{"a":[1,{"b":null}],"c d":"x"}}',
    );
    expect(encodePayload(false, 5, 'ms')).toBe('{"time":5,"value":false}');
    expect(encodePayload(1.5e-7, 5, 'ms')).toBe('{"time":5,"value":1.5e-7}');
  });

  it('publishes a deleted key as null', () => {
    expect(encodePayload(null, 7, 'ms')).toBe('{"time":7,"value":null}');
  });

  it('sends text that was not valid JSON at the source as a JSON string', () => {
    expect(encodePayload('{not json', 7, 'ms')).toBe('{"time":7,"value":"{not json"}');
  });

  it('handles JSON.stringify edge cases', () => {
    expect(encodePayload(-0, 1, 'ms')).toBe('{"time":1,"value":0}');
    expect(encodePayload(1e21, 1, 'ms')).toBe('{"time":1,"value":1e+21}');
    expect(encodePayload(Number.NaN, 1, 'ms')).toBe('{"time":1,"value":null}');
    expect(encodePayload('\ud800|😀|\u0000|"\\', 1, 'ms')).toBe(
      '{"time":1,"value":"\\ud800|😀|\\u0000|\\"\\\\"}',
    );
    expect(encodePayload(undefined as unknown as JsonValue, 1, 'ms')).toBe(
      '{"time":1,"value":null}',
    );
    const withProto = JSON.parse('{"__proto__":1}') as JsonValue;
    expect(encodePayload(withProto, 1, 'ms')).toBe('{"time":1,"value":{"__proto__":1}}');
  });

  it('throws clear errors instead of writing broken JSON', () => {
    expect(() => encodePayload('x', Number.NaN, 'ms')).toThrow('finite');
    const depth = 200_000;
    const deep = JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as JsonValue;
    expect(() => encodePayload(deep, 1, 'ms')).toThrow('nested too deeply');
  });
});
