import RE2 from 're2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requiredLiterals } from './required-literals';

describe('requiredLiterals', () => {
  it('finds the plain text every match contains', () => {
    expect(requiredLiterals('room-[0-9]+')).toEqual(['room-']);
    expect(requiredLiterals('TOP SECRET')).toEqual(['TOP SECRET']);
    expect(requiredLiterals('\\b(?:password|token)=\\S+')).toEqual(['=']);
    expect(requiredLiterals('[A-Z]{3}-[0-9]{4}')).toEqual(['-']);
    expect(requiredLiterals('bk-[0-9]+')).toEqual(['bk-']);
    expect(requiredLiterals('a\\.b')).toEqual(['a.b']);
  });

  it('knows nothing where a part may be missing', () => {
    expect(requiredLiterals('cat|dog')).toEqual([]);
    expect(requiredLiterals('colou?r')).toEqual(['colo', 'r']);
    expect(requiredLiterals('ab*c')).toEqual(['a', 'c']);
    expect(requiredLiterals('x{0,2}y')).toEqual(['y']);
    expect(requiredLiterals('ab+c')).toEqual(['ab', 'c']);
    expect(requiredLiterals('.*')).toEqual([]);
    expect(requiredLiterals('\\d+')).toEqual([]);
  });

  it('never names a literal that a match of the pattern lacks', () => {
    const atom = fc.constantFrom('a', 'b', '-', '\\.', '.', '[ab]', '(?:a|b)', '\\d', 'x');
    const quantifier = fc.constantFrom('', '', '', '?', '*', '+', '{0,2}', '{1,3}');
    const pattern = fc
      .array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 6 })
      .chain((parts) =>
        fc.boolean().map((alternate) => parts.map(([a, q]) => a + q).join(alternate ? '|' : '')),
      );
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'x', '-', '.', '1'), maxLength: 12 });
    fc.assert(
      fc.property(pattern, text, (source, subject) => {
        const re = new RE2(source, 'u');
        if (!re.test(subject)) return;
        for (const literal of requiredLiterals(source)) expect(subject).toContain(literal);
      }),
      { numRuns: 3000 },
    );
  });
});
