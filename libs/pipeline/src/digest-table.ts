const EMPTY = 0;
const MIN_CAPACITY = 16;

/**
 * A map from non-zero 53-bit numbers to numbers, in two Float64Arrays with open addressing
 * (linear probing, backward-shift deletion). It holds what each broker was sent for every topic
 * (topic hash → value digest): at a million topics a Map would keep two heap numbers and an
 * entry per topic for the garbage collector to trace; this keeps 32 bytes per slot and nothing
 * to trace.
 */
export class DigestTable {
  private keys = new Float64Array(MIN_CAPACITY);
  private values = new Float64Array(MIN_CAPACITY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: number): number | undefined {
    const at = this.find(key);
    return this.keys[at] === EMPTY ? undefined : this.values[at];
  }

  set(key: number, value: number): void {
    const at = this.find(key);
    if (this.keys[at] === EMPTY) {
      this.keys[at] = key;
      this.count++;
      this.values[at] = value;
      if (this.count * 10 > this.keys.length * 7) this.resize(this.keys.length * 2);
      return;
    }
    this.values[at] = value;
  }

  delete(key: number): boolean {
    let at = this.find(key);
    if (this.keys[at] === EMPTY) return false;
    const mask = this.keys.length - 1;
    // Backward shift: move later members of the probe run into the hole, so lookups never
    // stop early at a deleted slot and no tombstones accumulate.
    let next = (at + 1) & mask;
    while (this.keys[next] !== EMPTY) {
      const home = this.home(this.keys[next]);
      const distanceFromHome = (next - home) & mask;
      const distanceToHole = (next - at) & mask;
      if (distanceFromHome >= distanceToHole) {
        this.keys[at] = this.keys[next];
        this.values[at] = this.values[next];
        at = next;
      }
      next = (next + 1) & mask;
    }
    this.keys[at] = EMPTY;
    this.values[at] = 0;
    this.count--;
    return true;
  }

  clear(): void {
    this.keys = new Float64Array(MIN_CAPACITY);
    this.values = new Float64Array(MIN_CAPACITY);
    this.count = 0;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(key: number): number {
    if (key === EMPTY || !Number.isSafeInteger(key)) {
      throw new RangeError(`DigestTable keys are non-zero safe integers, got ${key}`);
    }
    const mask = this.keys.length - 1;
    let at = this.home(key);
    for (;;) {
      const held = this.keys[at];
      if (held === key || held === EMPTY) return at;
      at = (at + 1) & mask;
    }
  }

  private home(key: number): number {
    // The low 32 bits mixed with the high ones: keys are hashes, but callers may pass others.
    const low = key >>> 0;
    const high = (key / 4294967296) >>> 0;
    return Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) >>> (32 - this.bits());
  }

  private bits(): number {
    return 31 - Math.clz32(this.keys.length);
  }

  private resize(capacity: number): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== EMPTY) this.set(keys[i], values[i]);
    }
  }
}
