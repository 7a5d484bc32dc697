import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { parseIfMatch, versionEtag } from './if-match';

describe('parseIfMatch', () => {
  it.each([
    ['"3"', 3],
    ['3', 3],
    ['W/"12"', 12],
    ['  "7"  ', 7],
    ['W/5', 5],
  ])('reads %s as version %d', (header, version) => {
    expect(parseIfMatch(header)).toBe(version);
  });

  it('treats a missing header and * as "any version"', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
  });

  it.each(['', '"', '"3', '3"', '0', '"-1"', '1.5', 'abc', '"1", "2"', 'w/"3"', '9'.repeat(16)])(
    'refuses %j with a 400',
    (header) => {
      expect(() => parseIfMatch(header)).toThrow(BadRequestException);
    },
  );

  it('round-trips the ETag it emits', () => {
    expect(parseIfMatch(versionEtag(42))).toBe(42);
  });
});
