import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigestTable } from './digest-table';
import { hash53 } from './string-hash';

describe('DigestTable', () => {
  it('behaves like a Map under any sequence of sets, deletes and clears', () => {
    // Few distinct keys, so deletes hit and probe runs collide and wrap around.
    const key = fc.oneof(
      fc.integer({ min: 1, max: 40 }),
      fc.constantFrom(2 ** 53 - 1, 2 ** 32, 2 ** 32 + 16, 1 + 2 ** 40),
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, value: fc.double({ noNaN: true }) }),
      fc.record({ kind: fc.constant('delete' as const), key }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const table = new DigestTable();
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            table.set(o.key, o.value);
            model.set(o.key, o.value);
          } else if (o.kind === 'delete') {
            expect(table.delete(o.key)).toBe(model.delete(o.key));
          } else {
            table.clear();
            model.clear();
          }
          expect(table.size).toBe(model.size);
        }
        for (let k = 1; k <= 40; k++) expect(table.get(k)).toBe(model.get(k));
        for (const [k, v] of model) expect(table.get(k)).toBe(v);
      }),
    );
  });

  it('holds a million hashed topics and finds each', () => {
    const table = new DigestTable();
    const n = 1_000_000;
    for (let i = 0; i < n; i++) table.set(hash53(`placeos/org/state/b/l/a/sys-${i}/k`), i);
    expect(table.size).toBe(n);
    for (let i = 0; i < n; i += 997) {
      expect(table.get(hash53(`placeos/org/state/b/l/a/sys-${i}/k`))).toBe(i);
    }
    for (let i = 0; i < n; i += 2) table.delete(hash53(`placeos/org/state/b/l/a/sys-${i}/k`));
    expect(table.size).toBe(n / 2);
    for (let i = 0; i < 2000; i++) {
      expect(table.get(hash53(`placeos/org/state/b/l/a/sys-${i}/k`))).toBe(
        i % 2 === 0 ? undefined : i,
      );
    }
  });

  it('refuses keys it cannot hold instead of corrupting itself', () => {
    const table = new DigestTable();
    expect(() => table.set(0, 1)).toThrow(RangeError);
    expect(() => table.get(1.5)).toThrow(RangeError);
  });
});

describe('hash53', () => {
  it('is stable, never 0, and differs for nearby texts', () => {
    expect(hash53('placeos/a')).toBe(hash53('placeos/a'));
    expect(hash53('')).not.toBe(0);
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(hash53(`t/${i}`));
    expect(seen.size).toBe(100_000);
    expect(Number.isSafeInteger(hash53('x'.repeat(1000)))).toBe(true);
  });
});
