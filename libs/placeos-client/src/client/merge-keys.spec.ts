import { describe, expect, it } from 'vitest';
import { mergeKeys } from './merge-keys';

describe('mergeKeys', () => {
  it('keeps known keys first, appends new ones once, and reuses the array when nothing is new', () => {
    const first = mergeKeys(undefined, ['power', 'input', 'power']);
    expect(first).toEqual(['power', 'input']);
    expect(mergeKeys(first, ['input'])).toBe(first);
    expect(mergeKeys(first, ['volume', 'power', 'volume'])).toEqual(['power', 'input', 'volume']);
    expect(first).toEqual(['power', 'input']);
  });

  it('merges large key lists too', () => {
    const known = mergeKeys(
      undefined,
      Array.from({ length: 50 }, (_, i) => `k${i}`),
    );
    expect(mergeKeys(known, ['k49', 'k0'])).toBe(known);
    const merged = mergeKeys(known, ['k10', 'new']);
    expect(merged).toHaveLength(51);
    expect(merged.at(-1)).toBe('new');
  });
});
