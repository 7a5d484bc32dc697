import type { JsonValue, StateChange } from '@app/placeos-client';

/** A module slot in a system, as PlaceOS addresses bindings: `(system, module name, index)`. */
export interface SlotRef {
  systemId: string;
  moduleName: string;
  index: number;
}

export interface StoredState {
  value: JsonValue;
  invalidJson: boolean;
  /** When the bridge received this value (unix ms): the `time` of every re-publication. */
  receivedAt: number;
}

interface SlotEntry {
  slot: SlotRef;
  keys: Map<string, StoredState>;
}

const slotId = (slot: SlotRef) => `${slot.systemId}\u0000${slot.moduleName}\u0000${slot.index}`;

/**
 * The current value of every bound status key, per module slot. PlaceOS reports values per
 * binding slot, and after a rename or re-order it remaps a slot to another module before our
 * topology poll can know it; keeping values by slot (not by module id) attributes every value
 * to exactly what PlaceOS said it belongs to. Everything that re-publishes reads from here.
 */
export class StateStore {
  private readonly slots = new Map<string, SlotEntry>();
  private count = 0;

  /** Records a change; returns false when it carries exactly what is already stored. */
  apply(
    slot: SlotRef,
    change: Pick<StateChange, 'key' | 'value' | 'invalidJson' | 'receivedAt'>,
  ): boolean {
    const id = slotId(slot);
    let entry = this.slots.get(id);
    if (!entry) {
      entry = {
        slot: { systemId: slot.systemId, moduleName: slot.moduleName, index: slot.index },
        keys: new Map(),
      };
      this.slots.set(id, entry);
    }
    const previous = entry.keys.get(change.key);
    if (!previous) this.count++;
    entry.keys.set(change.key, {
      value: change.value,
      invalidJson: change.invalidJson ?? false,
      receivedAt: change.receivedAt,
    });
    return !previous || !sameJson(previous.value, change.value);
  }

  /** Forgets one key of a slot (its topic no longer exists). */
  remove(slot: SlotRef, key: string): void {
    const entry = this.slots.get(slotId(slot));
    if (entry?.keys.delete(key)) this.count--;
  }

  get(slot: SlotRef, key: string): StoredState | undefined {
    return this.slots.get(slotId(slot))?.keys.get(key);
  }

  keysOf(slot: SlotRef): ReadonlyMap<string, StoredState> {
    return this.slots.get(slotId(slot))?.keys ?? EMPTY;
  }

  /** Every slot with stored values. */
  *entries(): Generator<[SlotRef, ReadonlyMap<string, StoredState>]> {
    for (const entry of this.slots.values()) yield [entry.slot, entry.keys];
  }

  /** Forgets the slots `keep` rejects (they no longer exist in PlaceOS). */
  prune(keep: (slot: SlotRef) => boolean): number {
    let removed = 0;
    for (const [id, entry] of this.slots) {
      if (keep(entry.slot)) continue;
      this.count -= entry.keys.size;
      this.slots.delete(id);
      removed++;
    }
    return removed;
  }

  get size(): number {
    return this.count;
  }
}

const EMPTY: ReadonlyMap<string, StoredState> = new Map();

function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
