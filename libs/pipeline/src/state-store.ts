import type { JsonValue, StateChange } from '@app/placeos-client';

export interface StoredState {
  value: JsonValue;
  invalidJson: boolean;
  /** When the bridge received this value (unix ms): the `time` of every re-publication. */
  receivedAt: number;
}

/**
 * The current value of every bound status key, per module. PlaceOS keeps state per module, so
 * a module that sits in several systems is stored once and published under each system.
 * Everything that re-publishes (rule changes, topic moves, broker reconnects) reads from here.
 */
export class StateStore {
  private readonly modules = new Map<string, Map<string, StoredState>>();
  private count = 0;

  /** Records a change; returns false when it carries exactly what is already stored. */
  apply(
    moduleId: string,
    change: Pick<StateChange, 'key' | 'value' | 'invalidJson' | 'receivedAt'>,
  ): boolean {
    let keys = this.modules.get(moduleId);
    if (!keys) {
      keys = new Map();
      this.modules.set(moduleId, keys);
    }
    const previous = keys.get(change.key);
    if (!previous) this.count++;
    keys.set(change.key, {
      value: change.value,
      invalidJson: change.invalidJson ?? false,
      receivedAt: change.receivedAt,
    });
    return !previous || !sameJson(previous.value, change.value);
  }

  get(moduleId: string, key: string): StoredState | undefined {
    return this.modules.get(moduleId)?.get(key);
  }

  keysOf(moduleId: string): ReadonlyMap<string, StoredState> {
    return this.modules.get(moduleId) ?? EMPTY;
  }

  moduleIds(): IterableIterator<string> {
    return this.modules.keys();
  }

  removeModule(moduleId: string): void {
    const keys = this.modules.get(moduleId);
    if (!keys) return;
    this.count -= keys.size;
    this.modules.delete(moduleId);
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
