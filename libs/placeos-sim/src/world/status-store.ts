/**
 * PlaceOS's Redis status store: one `status/<mod>` hash per module, key → the JSON text the driver
 * wrote. Texts are kept verbatim (even invalid JSON) because clients must cope with what Redis holds.
 */
export class StatusStore {
  // Kept as a running total: summing every hash would be O(modules) on each stats read.
  private keys = 0;

  constructor(private readonly hashes: Map<string, Map<string, string>>) {
    for (const hash of hashes.values()) this.keys += hash.size;
  }

  /** Status keys across all modules. */
  get keyCount(): number {
    return this.keys;
  }

  /** A copy of a module's hash (empty for an unknown module). */
  snapshot(moduleId: string): Record<string, string> {
    return Object.fromEntries(this.hashes.get(moduleId) ?? []);
  }

  /** The stored hash (shared: do not mutate). */
  hash(moduleId: string): ReadonlyMap<string, string> | undefined {
    return this.hashes.get(moduleId);
  }

  text(moduleId: string, key: string): string | undefined {
    return this.hashes.get(moduleId)?.get(key);
  }

  /** rest-api's live `connected`: `status["connected"] != "false"`. */
  isConnected(moduleId: string): boolean {
    return this.hashes.get(moduleId)?.get('connected') !== 'false';
  }

  set(moduleId: string, key: string, text: string): void {
    let hash = this.hashes.get(moduleId);
    if (hash === undefined) {
      hash = new Map();
      this.hashes.set(moduleId, hash);
    }
    if (!hash.has(key)) this.keys += 1;
    hash.set(key, text);
  }

  delete(moduleId: string, key: string): void {
    if (this.hashes.get(moduleId)?.delete(key) === true) this.keys -= 1;
  }

  /** Stores a new module's hash: what its driver writes on start, each value as JSON text. */
  create(moduleId: string, initial: Record<string, unknown>): void {
    const hash = new Map<string, string>();
    for (const [k, v] of Object.entries(initial)) hash.set(k, JSON.stringify(v));
    this.hashes.set(moduleId, hash);
    this.keys += hash.size;
  }

  /** Drops a deleted module's hash. */
  drop(moduleId: string): void {
    this.keys -= this.hashes.get(moduleId)?.size ?? 0;
    this.hashes.delete(moduleId);
  }
}
