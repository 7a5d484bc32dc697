import { describe, expect, it } from 'vitest';
import { decodeTopicLevel, encodeTopicLevel, MISSING_LEVEL } from './topic-level';

describe('encodeTopicLevel', () => {
  it.each([
    ['A/V', 'A%2FV'],
    ['50%', '50%25'],
    ['#1', '%231'],
    ['+', '%2B'],
    ['\u0000', '%00'],
    ['\n', '%0A'],
    ['tab\there', 'tab%09here'],
    ['\u007F', '%7F'],
    ['\u0080', '%C2%80'],
    ['\u009F', '%C2%9F'],
    ['\ud800', '%ED%A0%80'],
    ['x\udfff', 'x%ED%BF%BF'],
    ['', '%'],
    ['_', '%5F'],
  ])('encodes %j as %j', (text, level) => {
    expect(encodeTopicLevel(text)).toBe(level);
    expect(decodeTopicLevel(level)).toBe(text);
  });

  it.each([
    "M'Odule",
    'zone-ABC~x_y-z',
    'mod-hello_hello',
    '__',
    'a_',
    'Display 1',
    '😀 Café ñ 日本',
    '\u00A0\u00FF',
    '$SYS',
    'plain',
  ])('leaves %j unchanged', (text) => {
    expect(encodeTopicLevel(text)).toBe(text);
  });

  it('keeps valid surrogate pairs (emoji) and encodes only lone surrogates', () => {
    expect(encodeTopicLevel('😀\ud83d')).toBe('😀%ED%A0%BD');
    expect(decodeTopicLevel('😀%ED%A0%BD')).toBe('😀\ud83d');
  });

  it('agrees with decodeURIComponent on well-formed text other than the two special cases', () => {
    const text = 'A/V 50% #1 + \u0000\n\u0085 Café 😀';
    expect(decodeURIComponent(encodeTopicLevel(text))).toBe(text);
  });
});

describe('decodeTopicLevel', () => {
  it('decodes MISSING_LEVEL to itself', () => {
    expect(decodeTopicLevel(MISSING_LEVEL)).toBe(MISSING_LEVEL);
  });

  it.each([
    ['%2', 'malformed'],
    ['%zz', 'malformed'],
    ['%2f', 'malformed'],
    ['%41', 'canonical'],
    ['%F0%9F%98%80', 'malformed'],
    ['%C2', 'malformed'],
    ['%C2%41', 'malformed'],
    ['%C0%AF', 'malformed'],
    ['%E0%80%AF', 'canonical'],
    ['%80', 'malformed'],
    ['a/b', 'canonical'],
    ['a+b', 'canonical'],
    ['#', 'canonical'],
    ['\n', 'canonical'],
    ['', 'canonical'],
    ['%5F%5F', 'canonical'],
  ])('rejects %j (%s)', (level, reason) => {
    expect(() => decodeTopicLevel(level)).toThrow(reason);
  });
});
