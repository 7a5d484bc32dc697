import { describe, expect, it } from 'vitest';
import { parseKeyPath } from './key-path';

describe('parseKeyPath', () => {
  it('parses dotted names, indexes and wildcards', () => {
    expect(parseKeyPath('a.b')).toEqual([
      { kind: 'key', key: 'a' },
      { kind: 'key', key: 'b' },
    ]);
    expect(parseKeyPath('list[*].c')).toEqual([
      { kind: 'key', key: 'list' },
      { kind: 'anyIndex' },
      { kind: 'key', key: 'c' },
    ]);
    expect(parseKeyPath('list[0]')).toEqual([
      { kind: 'key', key: 'list' },
      { kind: 'index', index: 0 },
    ]);
    expect(parseKeyPath('a.*')).toEqual([{ kind: 'key', key: 'a' }, { kind: 'anyChild' }]);
    expect(parseKeyPath('a[*][*].b')).toEqual([
      { kind: 'key', key: 'a' },
      { kind: 'anyIndex' },
      { kind: 'anyIndex' },
      { kind: 'key', key: 'b' },
    ]);
    expect(parseKeyPath('[*].email')).toEqual([
      { kind: 'anyIndex' },
      { kind: 'key', key: 'email' },
    ]);
    expect(parseKeyPath('*')).toEqual([{ kind: 'anyChild' }]);
  });

  it('accepts names with dashes, $, unicode and quoted keys', () => {
    expect(parseKeyPath('host-email.$ref.größe')).toEqual([
      { kind: 'key', key: 'host-email' },
      { kind: 'key', key: '$ref' },
      { kind: 'key', key: 'größe' },
    ]);
    expect(parseKeyPath('a["b.c"][\'d e\']')).toEqual([
      { kind: 'key', key: 'a' },
      { kind: 'key', key: 'b.c' },
      { kind: 'key', key: 'd e' },
    ]);
    expect(parseKeyPath('["say \\"hi\\""]')).toEqual([{ kind: 'key', key: 'say "hi"' }]);
    expect(parseKeyPath('[""]')).toEqual([{ kind: 'key', key: '' }]);
    expect(parseKeyPath('["*"]')).toEqual([{ kind: 'key', key: '*' }]);
  });

  it.each([
    '',
    '.a',
    'a.',
    'a..b',
    'a[',
    'a[]',
    'a[-1]',
    'a[01]',
    'a[1.5]',
    'a[x]',
    'a.[0]',
    'a]',
    'a b',
    'a*',
    'a.b*',
    '["unterminated]',
    '["x"',
    '["bad \\n escape"]',
    'a[0]b',
    'x'.repeat(257),
    Array.from({ length: 33 }, () => 'a').join('.'),
  ])('rejects %j', (path) => {
    expect(parseKeyPath(path)).toBeUndefined();
  });
});
