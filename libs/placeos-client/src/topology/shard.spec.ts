import { describe, expect, it } from 'vitest';
import { fnv1a32, shardOf } from './shard';

describe('shardOf', () => {
  it('is FNV-1a 32 over UTF-8 (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('puts every id in exactly one shard and spreads them', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`sys-${i.toString(36)}`, 4)]++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
    expect(() => shardOf('sys-1', 0)).toThrow(RangeError);
  });
});
