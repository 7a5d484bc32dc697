import type { JsonValue } from '@app/json';
import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import type { FilterResult } from './privacy-rule';
import { RegexMatcher } from './regex-matcher';
import { JoinedLeaves } from './text-matcher';
import { RuleSet } from './rule-set';
import { deepFreeze, storedRule } from './spec-fixtures';

const TOPIC = 'placeos/o/state/b/l/a/sys/drv/Mod/1/key';
const BROKER = { id: 'b', secret: 'k' };

function published(result: FilterResult): JsonValue {
  if (result.outcome !== 'publish') throw new Error('expected publish');
  return result.value;
}

function replaceAll(regex: string, value: JsonValue, flags?: string): JsonValue {
  const set = RuleSet.compile([
    storedRule({ action: 'replace', match: { regex, flags }, replacement: '#' }),
  ]);
  expect(set.problems).toEqual([]);
  return published(set.apply(TOPIC, value, BROKER));
}

describe('user regexes', () => {
  it.each(['(a+)+$', '(a|aa)+b', '(.*a){20}', '(a*)*b', '(\\w+\\s?)+$', '^(a|a?)+$'])(
    'runs catastrophic pattern %j in linear time on 50 KB',
    (pattern) => {
      const adversarial = 'a'.repeat(50_000) + '!';
      const started = Date.now();
      replaceAll(pattern, deepFreeze({ x: adversarial, y: [adversarial, 'aaab'] }));
      expect(Date.now() - started).toBeLessThan(2_000);
    },
  );

  it('replaces every match (always global) and honours i, m, s flags', () => {
    expect(replaceAll('ab', 'ab AB ab')).toBe('# AB #');
    expect(replaceAll('ab', 'ab AB ab', 'i')).toBe('# # #');
    expect(replaceAll('^x', 'x\nx')).toBe('#\nx');
    expect(replaceAll('^x', 'x\nx', 'm')).toBe('#\n#');
    expect(replaceAll('a.b', 'a\nb')).toBe('a\nb');
    expect(replaceAll('a.b', 'a\nb', 's')).toBe('#');
    expect(replaceAll('é+', 'caféé 😀é', 'u')).toBe('caf# 😀#');
  });

  it('ignores empty matches', () => {
    expect(replaceAll('x*', 'axxbx')).toBe('a#b#');
    const set = RuleSet.compile([storedRule({ action: 'drop', match: { regex: 'z*' } })]);
    expect(set.apply(TOPIC, 'abc', BROKER).outcome).toBe('publish');
    expect(replaceAll('(?:)', '😀a')).toBe('😀a');
  });

  it('keeps per-leaf semantics for anchors and boundaries across several leaves', () => {
    const value = deepFreeze({ a: 'xa', b: 'ax', c: ['a', 'b\na'], d: 'ab' });
    expect(replaceAll('^a', value)).toEqual({ a: 'xa', b: '#x', c: ['#', 'b\na'], d: '#b' });
    expect(replaceAll('a$', value)).toEqual({ a: 'x#', b: 'ax', c: ['#', 'b\n#'], d: 'ab' });
    expect(replaceAll('\\Aa', value)).toEqual({ a: 'xa', b: '#x', c: ['#', 'b\na'], d: '#b' });
    expect(replaceAll('(?-m)^a', value)).toEqual({ a: 'xa', b: '#x', c: ['#', 'b\na'], d: '#b' });
    expect(replaceAll('\\ba\\b', value)).toEqual({ a: 'xa', b: 'ax', c: ['#', 'b\n#'], d: 'ab' });
    expect(replaceAll('b.a', value, 's')).toEqual({ a: 'xa', b: 'ax', c: ['a', '#'], d: 'ab' });
    expect(replaceAll('a\\nb', { a: 'a', b: 'b' })).toEqual({ a: 'a', b: 'b' });
    expect(replaceAll('[^q]+', { a: 'a', b: 'b' })).toEqual({ a: '#', b: '#' });
  });

  it('gives the same result as replacing in each leaf on its own', () => {
    const patterns = [
      '^a',
      'a$',
      '\\bab\\b',
      'b.a',
      '[^a]+',
      'a+b?',
      '(?m)^b',
      '\\Ab',
      'b\\z',
      'é+',
      'a\\sb',
    ];
    const leaf = fc.string({ unit: fc.constantFrom('a', 'b', '\n', ' ', 'é', '😀'), maxLength: 8 });
    fc.assert(
      fc.property(
        fc.constantFrom(...patterns),
        fc.constantFrom('', 'm', 's', 'i', 'ms'),
        fc.array(leaf, { maxLength: 6 }),
        (pattern, flags, leaves) => {
          const naive = new RE2(pattern, `${flags}gu`);
          const expected = leaves.map((text) => naive.replace(text, '#'));
          expect(replaceAll(pattern, deepFreeze([...leaves]), flags)).toEqual(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('finds candidate leaves through one pass over the joined text', () => {
    const matcher = new RegexMatcher('b+|^$');
    const leaves = ['a', 'abba', '', 'c', 'x\nb'];
    const touched = matcher.candidatesIn?.(new JoinedLeaves(leaves));
    expect(touched && [...touched].sort()).toEqual(['', 'abba', 'x\nb'].sort());
    const spanning = new RegexMatcher('a[^z]+c').candidatesIn?.(new JoinedLeaves(['xa', 'b', 'c']));
    expect(spanning && [...spanning]).toEqual(['xa', 'b', 'c']);
  });

  it('is refused by compile when RE2 cannot run it, without affecting other rules', () => {
    const set = RuleSet.compile([
      storedRule({ action: 'replace', match: { regex: '(a)\\1' } }, { id: 'backref' }),
      storedRule({ action: 'replace', match: { regex: '(?<=a)b' } }, { id: 'lookbehind' }),
      storedRule({ action: 'replace', match: { regex: 'b' }, replacement: '#' }, { id: 'ok' }),
    ]);
    expect(set.problems.map((problem) => problem.ruleId)).toEqual(['backref', 'lookbehind']);
    expect(published(set.apply(TOPIC, 'aab', BROKER))).toBe('aa#');
  });
});
