const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a, 32 bit, over the UTF-8 bytes of the input. Chosen because it is tiny, fully specified
 * (so any other implementation, in any language or version, agrees) and spreads short ids well.
 */
export function fnv1a32(input: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of Buffer.from(input, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** The shard a system belongs to: `fnv1a32(systemId) % count`. Stable across processes and versions. */
export function shardOf(systemId: string, count: number): number {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`shard count must be a positive integer, got ${count}`);
  }
  return fnv1a32(systemId) % count;
}
