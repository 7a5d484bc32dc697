import type { Topology } from '@app/placeos-client';

/** A module slot in a system, as PlaceOS addresses bindings: `(system, module name, index)`. */
export interface SlotRef {
  systemId: string;
  moduleName: string;
  index: number;
}

/** One stored status: its JSON text as PlaceOS sent it and when the bridge received it. */
export interface StoredState {
  json: string;
  /** Unix ms: the `time` of every re-publication of this value. */
  receivedAt: number;
}

/** Up to this many keys a linear scan finds a key faster than a Map costs memory. */
const LINEAR_LOOKUP_MAX = 24;

/**
 * The stored statuses of one module slot, column-wise: key, JSON text and receive time per
 * position. A million statuses as one object and one map entry each would cost several times
 * their text; columns cost a pointer, a pointer and an unboxed double each. The slot also
 * caches its topic prefix for one topology, so mapping a change is a string concatenation.
 */
export class SlotState {
  private keyColumn: string[] = [];
  private jsonColumn: string[] = [];
  private timeColumn: number[] = [];
  private positions?: Map<string, number>;
  /** The topology `topicPrefix` was worked out for. */
  prefixTopology?: Topology;
  /** `placeos/…/<sys>/<drv>/<mod>/<idx>/`, or null when the slot is not published there. */
  topicPrefix: string | null = null;

  constructor(readonly slot: SlotRef) {}

  get size(): number {
    return this.keyColumn.length;
  }

  key(position: number): string {
    return this.keyColumn[position];
  }

  json(position: number): string {
    return this.jsonColumn[position];
  }

  receivedAt(position: number): number {
    return this.timeColumn[position];
  }

  positionOf(key: string): number {
    return this.positions ? (this.positions.get(key) ?? -1) : this.keyColumn.indexOf(key);
  }

  /** Stores the key's latest value (use StateStore.set, which keeps the count). */
  set(key: string, json: string, receivedAt: number): void {
    let position = this.positionOf(key);
    if (position >= 0) {
      this.jsonColumn[position] = json;
      this.timeColumn[position] = receivedAt;
      return;
    }
    position = this.keyColumn.length;
    this.keyColumn.push(key);
    this.jsonColumn.push(json);
    this.timeColumn.push(receivedAt);
    if (this.positions) this.positions.set(key, position);
    else if (position >= LINEAR_LOOKUP_MAX) {
      this.positions = new Map(this.keyColumn.map((k, at) => [k, at]));
    }
  }

  /** Forgets a key; false when it was not stored (use StateStore.remove). */
  delete(key: string): boolean {
    const position = this.positionOf(key);
    if (position < 0) return false;
    this.keyColumn.splice(position, 1);
    this.jsonColumn.splice(position, 1);
    this.timeColumn.splice(position, 1);
    if (this.positions) {
      this.positions = new Map(this.keyColumn.map((k, at) => [k, at]));
    }
    return true;
  }
}

const NO_SLOTS: readonly SlotState[] = Object.freeze([]);

const slotIdOf = (systemId: string, moduleName: string, index: number): string =>
  `${systemId}\u0000${moduleName}\u0000${index}`;

/**
 * The current value of every bound status key, per module slot. PlaceOS reports values per
 * binding slot, and after a rename or re-order it remaps a slot to another module before our
 * topology poll can know it; keeping values by slot (not by module id) attributes every value
 * to exactly what PlaceOS said it belongs to. Everything that re-publishes reads from here.
 */
export class StateStore {
  private readonly slots = new Map<string, SlotState>();
  /** The same slots by system: a topology change moves the topics of a few systems only. */
  private readonly bySystem = new Map<string, SlotState[]>();
  private count = 0;

  /** The slot's statuses, created empty on first use. */
  slotOf(systemId: string, moduleName: string, index: number): SlotState {
    const id = slotIdOf(systemId, moduleName, index);
    let state = this.slots.get(id);
    if (!state) {
      state = new SlotState({ systemId, moduleName, index });
      this.slots.set(id, state);
      const ofSystem = this.bySystem.get(systemId);
      if (ofSystem) ofSystem.push(state);
      else this.bySystem.set(systemId, [state]);
    }
    return state;
  }

  /** The slots of one system that hold statuses (or held some). */
  slotStatesOf(systemId: string): readonly SlotState[] {
    return this.bySystem.get(systemId) ?? NO_SLOTS;
  }

  /** Records a status value of a slot (from slotOf). */
  set(state: SlotState, key: string, json: string, receivedAt: number): void {
    const before = state.size;
    state.set(key, json, receivedAt);
    this.count += state.size - before;
  }

  /** Forgets one key of a slot (its topic no longer exists). */
  remove(state: SlotState, key: string): void {
    if (state.delete(key)) this.count--;
  }

  get(slot: SlotRef, key: string): StoredState | undefined {
    const state = this.slots.get(slotIdOf(slot.systemId, slot.moduleName, slot.index));
    const position = state ? state.positionOf(key) : -1;
    if (!state || position < 0) return undefined;
    return { json: state.json(position), receivedAt: state.receivedAt(position) };
  }

  /** Every slot with stored values. */
  slotStates(): IterableIterator<SlotState> {
    return this.slots.values();
  }

  /** Forgets the slots of `systemIds` that `keep` rejects (they no longer exist in PlaceOS). */
  prune(systemIds: Iterable<string>, keep: (slot: SlotRef) => boolean): number {
    let removed = 0;
    for (const systemId of systemIds) {
      const ofSystem = this.bySystem.get(systemId);
      if (!ofSystem) continue;
      const kept = ofSystem.filter((state) => {
        if (keep(state.slot)) return true;
        this.count -= state.size;
        this.slots.delete(slotIdOf(systemId, state.slot.moduleName, state.slot.index));
        removed++;
        return false;
      });
      if (kept.length === 0) this.bySystem.delete(systemId);
      else if (kept.length < ofSystem.length) this.bySystem.set(systemId, kept);
    }
    return removed;
  }

  get size(): number {
    return this.count;
  }
}
