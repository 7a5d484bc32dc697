/** Up to this many known keys a linear scan is cheaper than building a Set. */
const LINEAR_SCAN_MAX = 32;

/**
 * The union of a module's known status keys and freshly read ones, known keys first. Returns
 * `known` itself when nothing is new, so an unchanged module keeps sharing one array.
 */
export function mergeKeys(
  known: readonly string[] | undefined,
  fetched: readonly string[],
): readonly string[] {
  if (!known) return [...new Set(fetched)];
  const have: { has(key: string): boolean } =
    known.length > LINEAR_SCAN_MAX ? new Set(known) : { has: (key) => known.includes(key) };
  const added = new Set<string>();
  for (const key of fetched) {
    if (!have.has(key)) added.add(key);
  }
  // concat allocates the result at its exact length (spreading may leave spare capacity).
  return added.size === 0 ? known : known.concat([...added]);
}
