import type { Logger } from 'pino';
import { jsonTextOf } from '@app/json';
import type { StateChange } from '../model/state-change';
import type { SyncPacer } from '../model/sync-pacer';
import type { Topology } from '../model/topology';
import { RedisStateSource } from '../redis/redis-state-source';
import type { RedisStateChange } from '../redis/redis-state-types';
import { slotKeyOf } from '../ws/binding-table';

interface SlotOfModule {
  readonly systemId: string;
  readonly name: string;
  readonly index: number;
}

export interface RedisSlotFeedOptions {
  url: string;
  logger: Logger;
  /** A slot's change, keyed like the binding path's (`changeKeyOf`). */
  emit: (change: StateChange) => void;
  /** core re-numbered a system's modules: the topology should be read again now. */
  onLookupChange: (systemId: string) => void;
  pacer?: SyncPacer;
}

/**
 * In-cluster ingestion: PlaceOS' Redis gives each status per module (`status/<module id>`); this
 * turns it into the per-slot changes the binding path produces, for the bound systems of the
 * current topology. A module in several slots reports under each. When a slot changes hands, the
 * new module's values are (re-)read into it, and the keys only the old module had are reported
 * deleted, as PlaceOS sends nothing for them.
 */
export class RedisSlotFeed {
  private readonly source: RedisStateSource;
  private slotsOfModule = new Map<string, readonly SlotOfModule[]>();
  private moduleOfSlot = new Map<string, string>();
  /** Status keys each module in scope holds (from its hash and live changes). */
  private readonly keysOfModule = new Map<string, Set<string>>();
  private takeovers: Array<{ slot: SlotOfModule; moduleId: string; oldKeys: string[] }> = [];
  /** Keys known × slots of their module, kept as they change: status reads it often. */
  private boundKeyCount = 0;

  constructor(private readonly options: RedisSlotFeedOptions) {
    this.source = new RedisStateSource({
      url: options.url,
      logger: options.logger.child({ source: 'redis' }),
      emit: (change) => this.onChange(change),
      onLookupChange: options.onLookupChange,
      // A lookup-change may have been missed while disconnected.
      onResubscribed: () => options.onLookupChange('*'),
      pacer: options.pacer,
    });
  }

  get connected(): boolean {
    return this.source.status().connected;
  }

  get synced(): boolean {
    return this.source.status().synced;
  }

  /** Status keys known for the bound slots. */
  get boundKeys(): number {
    return this.boundKeyCount;
  }

  get lastError(): string | undefined {
    return this.source.status().lastError;
  }

  start(): Promise<void> {
    return this.source.start();
  }

  whenSynced(timeoutMs?: number): Promise<boolean> {
    return this.source.whenSynced(timeoutMs);
  }

  stop(): Promise<void> {
    return this.source.stop();
  }

  /** Moves the feed to a topology: which modules are read, and under which slots. */
  applyTopology(next: Topology, binds: (systemId: string) => boolean): void {
    const slotsOfModule = new Map<string, SlotOfModule[]>();
    const moduleOfSlot = new Map<string, string>();
    for (const system of next.systems.values()) {
      if (!binds(system.id)) continue;
      for (const slot of next.slots(system.id)) {
        const entry = { systemId: system.id, name: slot.name, index: slot.index };
        const list = slotsOfModule.get(slot.moduleId);
        if (list) list.push(entry);
        else slotsOfModule.set(slot.moduleId, [entry]);
        moduleOfSlot.set(slotKeyOf(system.id, slot.name, slot.index), slot.moduleId);
      }
    }
    const gone = [...this.slotsOfModule.keys()].filter((id) => !slotsOfModule.has(id));
    const moved: string[] = [];
    for (const [moduleId, slots] of slotsOfModule) {
      const before = this.slotsOfModule.get(moduleId);
      if (before && !sameSlots(before, slots)) moved.push(moduleId);
    }
    for (const [slotKey, moduleId] of moduleOfSlot) {
      const previous = this.moduleOfSlot.get(slotKey);
      if (previous === undefined || previous === moduleId) continue;
      const slot = slotsOfModule
        .get(moduleId)!
        .find((s) => slotKeyOf(s.systemId, s.name, s.index) === slotKey)!;
      this.takeovers.push({
        slot,
        moduleId,
        oldKeys: [...(this.keysOfModule.get(previous) ?? [])],
      });
    }
    this.slotsOfModule = slotsOfModule;
    this.moduleOfSlot = moduleOfSlot;
    this.source.removeModules([...gone, ...moved]);
    for (const id of gone) this.keysOfModule.delete(id);
    this.boundKeyCount = 0;
    for (const [moduleId, slots] of slotsOfModule) {
      this.boundKeyCount += (this.keysOfModule.get(moduleId)?.size ?? 0) * slots.length;
    }
    // Moved modules are read again, so their values appear at their new slots.
    this.source.addModules(slotsOfModule.keys());
    if (this.takeovers.length > 0) void this.settleTakeovers();
  }

  private async settleTakeovers(): Promise<void> {
    if (!(await this.source.whenSynced())) return;
    const takeovers = this.takeovers;
    this.takeovers = [];
    const receivedAt = Date.now();
    for (const { slot, moduleId, oldKeys } of takeovers) {
      if (this.moduleOfSlot.get(slotKeyOf(slot.systemId, slot.name, slot.index)) !== moduleId)
        continue;
      const keys = this.keysOfModule.get(moduleId) ?? new Set<string>();
      for (const key of oldKeys) {
        if (keys.has(key)) continue;
        this.options.emit({
          systemId: slot.systemId,
          moduleName: slot.name,
          index: slot.index,
          moduleId,
          key,
          json: 'null',
          receivedAt,
          resync: true,
          removed: true,
        });
      }
    }
  }

  private onChange(change: RedisStateChange): void {
    const slots = this.slotsOfModule.get(change.moduleId);
    if (!slots) return;
    let keys = this.keysOfModule.get(change.moduleId);
    if (!keys) {
      keys = new Set();
      this.keysOfModule.set(change.moduleId, keys);
    }
    let json = 'null';
    let invalidJson = false;
    if (change.deleted) {
      if (keys.delete(change.key)) this.boundKeyCount -= slots.length;
    } else {
      if (!keys.has(change.key)) {
        keys.add(change.key);
        this.boundKeyCount += slots.length;
      }
      ({ json, invalid: invalidJson } = jsonTextOf(change.text));
    }
    for (const slot of slots) {
      const stateChange: StateChange = {
        systemId: slot.systemId,
        moduleName: slot.name,
        index: slot.index,
        moduleId: change.moduleId,
        key: change.key,
        json,
        receivedAt: change.receivedAt,
        resync: change.resync,
      };
      if (invalidJson) stateChange.invalidJson = true;
      this.options.emit(stateChange);
    }
  }
}

function sameSlots(a: readonly SlotOfModule[], b: readonly SlotOfModule[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (s, i) => s.systemId === b[i].systemId && s.name === b[i].name && s.index === b[i].index,
    )
  );
}
