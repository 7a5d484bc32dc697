/**
 * A 53-bit hash of a string (cyrb53, public domain): fits a JS number exactly, is never 0, and
 * costs a multiply or two per character, where a crypto digest costs an object and a native
 * call. At a million topics the chance of any collision is about 1 in 18,000; a collision can
 * only make a re-publication skip one topic whose value did not change as far as the ledger
 * can tell, never send a wrong value.
 */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0) || 1;
}
