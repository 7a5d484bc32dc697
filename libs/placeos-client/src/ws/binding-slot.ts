/** Where one binding is in the bind protocol. */
export const BindingState = { Idle: 0, Queued: 1, Pending: 2, Bound: 3 } as const;
export type BindingState = (typeof BindingState)[keyof typeof BindingState];

/** Per-binding flags, packed next to the state. */
export const BindingFlag = {
  /** The next notify is the value PlaceOS sends right after the bind: a resync. */
  AwaitingInitial: 1 << 2,
  /** PlaceOS refused it with access_denied (a `_` module without support permission). */
  Denied: 1 << 3,
  /** A bind was sent for it on the current socket, so PlaceOS may hold it: unbind on removal. */
  SentThisSession: 1 << 4,
} as const;
export type BindingFlag = (typeof BindingFlag)[keyof typeof BindingFlag];

const STATE_MASK = 0b11;
const ATTEMPTS_SHIFT = 5;
/** Keeps the packed word a small integer; backoff saturates long before this many attempts. */
const MAX_ATTEMPTS = 1 << 20;
/** Up to this many keys a linear scan finds a key faster than a Map costs memory. */
const LINEAR_LOOKUP_MAX = 32;

/**
 * The bindings of one module slot, stored column-wise: a key string, a packed state word and a
 * success time per status key. The bridge holds ~100,000 bindings, so an object per binding
 * (plus a composite key string and a map entry for it) would dominate its memory.
 * Positions are stable: keys are only ever appended, and a slot is dropped as a whole.
 */
export class BindingSlot {
  /** Set once the slot is dropped: queued work and late replies for it are then ignored. */
  removed = false;
  private keys: string[] = [];
  /** State in the low bits, then the flags, then the retry attempts (see the constants). */
  private words: number[] = [];
  /** When each binding was last confirmed (ms), for the initial-notify grace. */
  private successTimes: number[] = [];
  /** Key -> position, only for slots with many keys. */
  private positions?: Map<string, number>;

  constructor(
    readonly systemId: string,
    readonly moduleName: string,
    readonly index: number,
    readonly moduleId: string,
  ) {}

  /** Bindings (status keys) in this slot. */
  get size(): number {
    return this.keys.length;
  }

  key(position: number): string {
    return this.keys[position];
  }

  /** The position of `key`, or -1 when this slot does not bind it. */
  positionOf(key: string): number {
    return this.positions ? (this.positions.get(key) ?? -1) : this.keys.indexOf(key);
  }

  /** Appends the keys not bound yet (as idle); they take positions from the old `size` on. */
  addKeys(keys: Iterable<string>): void {
    const before = this.keys.length;
    for (const key of keys) {
      if (this.positionOf(key) >= 0) continue;
      this.positions?.set(key, this.keys.length);
      this.keys.push(key);
      this.words.push(BindingState.Idle);
      this.successTimes.push(0);
      if (!this.positions && this.keys.length > LINEAR_LOOKUP_MAX) {
        this.positions = new Map(this.keys.map((k, position) => [k, position]));
      }
    }
    if (this.keys.length === before) return;
    // push() leaves up to half the capacity spare; copies are allocated at their exact length.
    this.keys = this.keys.slice();
    this.words = this.words.slice();
    this.successTimes = this.successTimes.slice();
  }

  state(position: number): BindingState {
    return (this.words[position] & STATE_MASK) as BindingState;
  }

  setState(position: number, state: BindingState): void {
    this.words[position] = (this.words[position] & ~STATE_MASK) | state;
  }

  hasFlag(position: number, flag: BindingFlag): boolean {
    return (this.words[position] & flag) !== 0;
  }

  setFlag(position: number, flag: BindingFlag, on: boolean): void {
    this.words[position] = on ? this.words[position] | flag : this.words[position] & ~flag;
  }

  /** Failed bind attempts since the binding was last confirmed (drives the backoff). */
  attempts(position: number): number {
    return this.words[position] >>> ATTEMPTS_SHIFT;
  }

  setAttempts(position: number, attempts: number): void {
    const low = this.words[position] & ((1 << ATTEMPTS_SHIFT) - 1);
    this.words[position] = low | (Math.min(attempts, MAX_ATTEMPTS) << ATTEMPTS_SHIFT);
  }

  successAt(position: number): number {
    return this.successTimes[position];
  }

  setSuccessAt(position: number, at: number): void {
    this.successTimes[position] = at;
  }
}
