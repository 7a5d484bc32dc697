import {
  type PlaceDriver,
  type PlaceModule,
  type PlaceSystem,
  type PlaceZone,
  resolvedModuleName,
} from './place-models';

/** A module's position in a system: its resolved name and 1-based index among same-named modules. */
export interface ModuleSlot {
  moduleId: string;
  name: string;
  index: number;
}

/**
 * An immutable snapshot of everything in scope. A new snapshot is built on every change, so
 * consumers can diff the previous and current snapshots to move topics.
 */
export class Topology {
  private readonly slotCache = new Map<string, ModuleSlot[]>();

  constructor(
    readonly systems: ReadonlyMap<string, PlaceSystem>,
    readonly zones: ReadonlyMap<string, PlaceZone>,
    readonly modules: ReadonlyMap<string, PlaceModule>,
    readonly drivers: ReadonlyMap<string, PlaceDriver>,
  ) {}

  static empty(): Topology {
    return new Topology(new Map(), new Map(), new Map(), new Map());
  }

  /**
   * The system's modules in its `modules` order, numbered the way PlaceOS core does
   * (core: mappings/control_system_modules.cr): grouped by resolved name, 1-based.
   * Ids that name no known module are skipped and take no index.
   */
  slots(systemId: string): ModuleSlot[] {
    const cached = this.slotCache.get(systemId);
    if (cached) return cached;
    const system = this.systems.get(systemId);
    const slots: ModuleSlot[] = [];
    if (system) {
      const counters = new Map<string, number>();
      for (const moduleId of system.modules) {
        const module = this.modules.get(moduleId);
        if (!module) continue;
        const name = resolvedModuleName(module);
        const index = (counters.get(name) ?? 0) + 1;
        counters.set(name, index);
        slots.push({ moduleId, name, index });
      }
    }
    this.slotCache.set(systemId, slots);
    return slots;
  }

  slot(systemId: string, name: string, index: number): ModuleSlot | undefined {
    return this.slots(systemId).find((s) => s.name === name && s.index === index);
  }

  /** Every system (in scope) whose `modules` list contains the module. */
  systemsOfModule(moduleId: string): PlaceSystem[] {
    return [...this.systems.values()].filter((s) => s.modules.includes(moduleId));
  }
}
