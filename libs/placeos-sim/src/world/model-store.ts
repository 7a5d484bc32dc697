import { addTo } from '../util/set-map';
import { DriverRecord, ModuleRecord, SystemRecord, ZoneRecord } from './records';
import { SimNotFoundError } from './sim-errors';

/** The records a world is built from. */
export interface ModelRecords {
  systems: readonly SystemRecord[];
  zones: readonly ZoneRecord[];
  modules: readonly ModuleRecord[];
  drivers: readonly DriverRecord[];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byNameThenId(a: { name: string; id: string }, b: { name: string; id: string }): number {
  return compareText(a.name, b.name) || compareText(a.id, b.id);
}

/** PostgreSQL orders NULL last in ascending order. */
function byCustomNameNameId(a: ModuleRecord, b: ModuleRecord): number {
  if (a.custom_name !== b.custom_name) {
    if (a.custom_name === undefined) return 1;
    if (b.custom_name === undefined) return -1;
    const c = compareText(a.custom_name, b.custom_name);
    if (c !== 0) return c;
  }
  return compareText(a.name, b.name) || compareText(a.id, b.id);
}

/**
 * The simulated PlaceOS tables. Index pages walk the whole table on every request, so each sorted
 * view is built once and kept until a record is added, removed or changes a field it sorts on.
 */
export class ModelStore {
  private readonly systemsById = new Map<string, SystemRecord>();
  private readonly zonesById = new Map<string, ZoneRecord>();
  private readonly modulesById = new Map<string, ModuleRecord>();
  private readonly driversById = new Map<string, DriverRecord>();
  /** A module can sit in several systems (a shared lighting gateway); renames must reach them all. */
  private readonly moduleSystems = new Map<string, Set<string>>();
  private sortedSystems: SystemRecord[] | undefined;
  private sortedZones: ZoneRecord[] | undefined;
  private sortedModules: ModuleRecord[] | undefined;
  private sortedDrivers: DriverRecord[] | undefined;
  private moduleIdList: string[] | undefined;

  constructor(records: ModelRecords) {
    for (const s of records.systems) this.systemsById.set(s.id, s);
    for (const z of records.zones) this.zonesById.set(z.id, z);
    for (const m of records.modules) this.modulesById.set(m.id, m);
    for (const d of records.drivers) this.driversById.set(d.id, d);
    for (const s of records.systems) for (const m of s.modules) this.link(m, s.id);
  }

  /** How many records each table holds. */
  counts(): { systems: number; zones: number; modules: number; drivers: number } {
    return {
      systems: this.systemsById.size,
      zones: this.zonesById.size,
      modules: this.modulesById.size,
      drivers: this.driversById.size,
    };
  }

  listSystems(): readonly SystemRecord[] {
    this.sortedSystems ??= [...this.systemsById.values()].sort(byNameThenId);
    return this.sortedSystems;
  }

  listZones(): readonly ZoneRecord[] {
    this.sortedZones ??= [...this.zonesById.values()].sort(byNameThenId);
    return this.sortedZones;
  }

  listModules(): readonly ModuleRecord[] {
    this.sortedModules ??= [...this.modulesById.values()].sort(byCustomNameNameId);
    return this.sortedModules;
  }

  listDrivers(): readonly DriverRecord[] {
    this.sortedDrivers ??= [...this.driversById.values()].sort(byNameThenId);
    return this.sortedDrivers;
  }

  moduleIds(): readonly string[] {
    this.moduleIdList ??= [...this.modulesById.keys()];
    return this.moduleIdList;
  }

  system(id: string): SystemRecord | undefined {
    return this.systemsById.get(id);
  }

  zone(id: string): ZoneRecord | undefined {
    return this.zonesById.get(id);
  }

  module(id: string): ModuleRecord | undefined {
    return this.modulesById.get(id);
  }

  driver(id: string): DriverRecord | undefined {
    return this.driversById.get(id);
  }

  // The `require*` lookups take ids straight from test-control JSON, so a non-string is a 404 too.

  requireSystem(id: string): SystemRecord {
    const sys = typeof id === 'string' ? this.systemsById.get(id) : undefined;
    if (sys === undefined) throw new SimNotFoundError(`unknown system ${String(id)}`);
    return sys;
  }

  requireZone(id: string): ZoneRecord {
    const zone = typeof id === 'string' ? this.zonesById.get(id) : undefined;
    if (zone === undefined) throw new SimNotFoundError(`unknown zone ${String(id)}`);
    return zone;
  }

  requireModule(id: string): ModuleRecord {
    const mod = typeof id === 'string' ? this.modulesById.get(id) : undefined;
    if (mod === undefined) throw new SimNotFoundError(`unknown module ${String(id)}`);
    return mod;
  }

  /** Every system holding the module. */
  systemsOf(moduleId: string): ReadonlySet<string> {
    return this.moduleSystems.get(moduleId) ?? new Set();
  }

  /** Stores a new system and records it as a holder of each of its modules. */
  addSystem(sys: SystemRecord): void {
    this.systemsById.set(sys.id, sys);
    for (const m of sys.modules) this.link(m, sys.id);
    this.sortedSystems = undefined;
  }

  /** Drops the system record only; its modules are the caller's to unlink or delete. */
  deleteSystem(id: string): void {
    this.systemsById.delete(id);
    this.sortedSystems = undefined;
  }

  addZone(zone: ZoneRecord): void {
    this.zonesById.set(zone.id, zone);
    this.sortedZones = undefined;
  }

  deleteZone(id: string): void {
    this.zonesById.delete(id);
    this.sortedZones = undefined;
  }

  /** After a zone's name changed in place. */
  zoneRenamed(): void {
    this.sortedZones = undefined;
  }

  addModule(mod: ModuleRecord): void {
    this.modulesById.set(mod.id, mod);
    this.sortedModules = undefined;
    this.moduleIdList = undefined;
  }

  /** Drops the module record and its system links. */
  deleteModule(id: string): void {
    this.modulesById.delete(id);
    this.moduleSystems.delete(id);
    this.sortedModules = undefined;
    this.moduleIdList = undefined;
  }

  /** After a module's custom name changed in place. */
  moduleRenamed(): void {
    this.sortedModules = undefined;
  }

  /** Every system in the world, in insertion order. */
  allSystems(): IterableIterator<SystemRecord> {
    return this.systemsById.values();
  }

  link(moduleId: string, systemId: string): void {
    addTo(this.moduleSystems, moduleId, systemId);
  }

  unlink(moduleId: string, systemId: string): void {
    this.moduleSystems.get(moduleId)?.delete(systemId);
  }
}
