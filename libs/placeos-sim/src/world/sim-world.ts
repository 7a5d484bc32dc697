import { DeviceType } from './device-catalog';
import { IdGenerator } from './id-generator';
import { ModelJson, driverJson, moduleJson, systemJson, zoneJson } from './model-json';
import { computeModuleSlots, slotKey } from './module-slots';
import { DriverRecord, ModuleRecord, SystemRecord, ZoneRecord, resolvedName } from './records';
import { SeededRandom } from './seeded-random';
import { SimInputError, SimNotFoundError } from './sim-errors';
import { FaultSpec, SimPressure, SimRuntimeControls, WorldListener } from './world-listener';

/** Everything a generated (or hand-built) world starts with. */
export interface WorldData {
  systems: SystemRecord[];
  zones: ZoneRecord[];
  modules: ModuleRecord[];
  drivers: DriverRecord[];
  states: Map<string, Map<string, string>>;
  /** Device type behind each driver id, used for new modules and random changes. */
  driverTypes: Map<string, DeviceType>;
  ids: IdGenerator;
  random: SeededRandom;
}

/** Counts reported by `stats()`. */
export interface SimStats {
  systems: number;
  zones: number;
  modules: number;
  drivers: number;
  keys: number;
  sockets: number;
  bindings: number;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
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

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '')
    throw new SimInputError(`${what} must be a non-empty string`);
  return value;
}

/** The simulated PlaceOS database plus Redis status store; every mutation is announced to listeners. */
export class SimWorld {
  private readonly systemsById = new Map<string, SystemRecord>();
  private readonly zonesById = new Map<string, ZoneRecord>();
  private readonly modulesById = new Map<string, ModuleRecord>();
  private readonly driversById = new Map<string, DriverRecord>();
  private readonly states: Map<string, Map<string, string>>;
  private readonly driverTypes: Map<string, DeviceType>;
  private readonly moduleSystems = new Map<string, Set<string>>();
  private readonly slotCache = new Map<string, Map<string, string>>();
  private readonly listeners = new Set<WorldListener>();
  private readonly ids: IdGenerator;
  private readonly random: SeededRandom;
  private sortedSystems: SystemRecord[] | undefined;
  private sortedZones: ZoneRecord[] | undefined;
  private sortedModules: ModuleRecord[] | undefined;
  private sortedDrivers: DriverRecord[] | undefined;
  private moduleIdList: string[] | undefined;
  private keyCount = 0;
  private runtime: SimRuntimeControls | undefined;

  constructor(data: WorldData) {
    for (const s of data.systems) this.systemsById.set(s.id, s);
    for (const z of data.zones) this.zonesById.set(z.id, z);
    for (const m of data.modules) this.modulesById.set(m.id, m);
    for (const d of data.drivers) this.driversById.set(d.id, d);
    this.states = data.states;
    this.driverTypes = data.driverTypes;
    this.ids = data.ids;
    this.random = data.random;
    for (const s of data.systems) for (const m of s.modules) this.linkModule(m, s.id);
    for (const st of this.states.values()) this.keyCount += st.size;
  }

  // ---- wiring -------------------------------------------------------------------------------

  /** Registers a listener for state and lookup changes; returns an unsubscribe function. */
  addListener(listener: WorldListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects the runtime test controls (done by `startSimulator`). */
  attachRuntime(runtime: SimRuntimeControls | undefined): void {
    this.runtime = runtime;
  }

  // ---- public reads (PlaceOS JSON copies) ------------------------------------------------------

  /** All systems, ordered by name then id. */
  systems(): ModelJson[] {
    return this.listSystems().map(systemJson);
  }

  /** One system, or undefined. */
  system(id: string): ModelJson | undefined {
    const s = this.systemsById.get(id);
    return s === undefined ? undefined : systemJson(s);
  }

  /** All zones, ordered by name then id. */
  zones(): ModelJson[] {
    return this.listZones().map(zoneJson);
  }

  /** One zone, or undefined. */
  zone(id: string): ModelJson | undefined {
    const z = this.zonesById.get(id);
    return z === undefined ? undefined : zoneJson(z);
  }

  /** All modules, ordered by custom_name (nulls last), name, id. */
  modules(): ModelJson[] {
    return this.listModules().map((m) => moduleJson(m, this.isConnected(m.id)));
  }

  /** One module, or undefined. */
  module(id: string): ModelJson | undefined {
    const m = this.modulesById.get(id);
    return m === undefined ? undefined : moduleJson(m, this.isConnected(m.id));
  }

  /** All drivers, ordered by name then id. */
  drivers(): ModelJson[] {
    return this.listDrivers().map(driverJson);
  }

  /** One driver, or undefined. */
  driver(id: string): ModelJson | undefined {
    const d = this.driversById.get(id);
    return d === undefined ? undefined : driverJson(d);
  }

  /** A module's status hash: key → stored JSON text. */
  state(moduleId: string): Record<string, string> {
    return Object.fromEntries(this.states.get(moduleId) ?? []);
  }

  /** Counts of models, status keys, control sockets and bindings. */
  stats(): SimStats {
    return {
      systems: this.systemsById.size,
      zones: this.zonesById.size,
      modules: this.modulesById.size,
      drivers: this.driversById.size,
      keys: this.keyCount,
      sockets: this.runtime?.socketCount() ?? 0,
      bindings: this.runtime?.bindingCount() ?? 0,
    };
  }

  // ---- state ---------------------------------------------------------------------------------

  /** Stores `value` as JSON text and notifies bindings. */
  setState(moduleId: string, key: string, value: unknown): void {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new SimInputError('value is not JSON-serialisable');
    this.setRawState(moduleId, key, text);
  }

  /** Stores `text` verbatim (even invalid JSON) and notifies bindings. */
  setRawState(moduleId: string, key: string, text: string): void {
    this.requireModule(moduleId);
    requireText(key, 'key');
    if (typeof text !== 'string') throw new SimInputError('raw must be a string');
    let hash = this.states.get(moduleId);
    if (hash === undefined) {
      hash = new Map();
      this.states.set(moduleId, hash);
    }
    if (!hash.has(key)) this.keyCount += 1;
    hash.set(key, text);
    this.emitState(moduleId, key, text);
  }

  /** Deletes a status key; bindings get `null` (PlaceOS publishes "null" on delete). */
  deleteState(moduleId: string, key: string): void {
    this.requireModule(moduleId);
    const hash = this.states.get(moduleId);
    if (hash?.delete(key) === true) this.keyCount -= 1;
    this.emitState(moduleId, key, null);
  }

  // ---- topology ------------------------------------------------------------------------------

  /** Sets or clears a module's custom name; remaps bindings of every system holding it. */
  renameModule(moduleId: string, customName: string | null): void {
    const mod = this.requireModule(moduleId);
    if (customName !== null && typeof customName !== 'string')
      throw new SimInputError('custom_name must be a string or null');
    if (customName === null || customName === '') delete mod.custom_name;
    else mod.custom_name = customName;
    mod.updated_at = nowSeconds();
    this.sortedModules = undefined;
    for (const sysId of this.moduleSystems.get(moduleId) ?? []) this.lookupChanged(sysId);
  }

  /** Re-orders a system's modules; `moduleIds` must be a permutation of the current list. */
  reorderModules(systemId: string, moduleIds: string[]): void {
    const sys = this.requireSystem(systemId);
    if (!Array.isArray(moduleIds) || !moduleIds.every((m) => typeof m === 'string'))
      throw new SimInputError('modules must be an array of module ids');
    const current = [...sys.modules].sort();
    const proposed = [...moduleIds].sort();
    if (current.length !== proposed.length || current.some((m, i) => m !== proposed[i])) {
      throw new SimInputError('modules must be a permutation of the system modules');
    }
    sys.modules = [...moduleIds];
    this.touchSystem(sys);
    this.lookupChanged(systemId);
  }

  /** Creates a module of `driverId` at the end of the system's modules (with initial state); returns its id. */
  addModule(systemId: string, spec: { driverId: string; customName?: string }): string {
    const sys = this.requireSystem(systemId);
    const driverId = requireText(spec.driverId, 'driver_id');
    const driver = this.driversById.get(driverId);
    if (driver === undefined) throw new SimInputError(`unknown driver ${driverId}`);
    if (spec.customName !== undefined && typeof spec.customName !== 'string')
      throw new SimInputError('custom_name must be a string');
    const now = nowSeconds();
    const id = this.ids.next('mod');
    const mod: ModuleRecord = {
      id,
      name: driver.module_name,
      role: driver.role,
      driver_id: driver.id,
      tls: false,
      udp: false,
      makebreak: false,
      running: true,
      created_at: now,
      updated_at: now,
    };
    if (spec.customName !== undefined && spec.customName !== '') mod.custom_name = spec.customName;
    if (driver.role === 99) mod.control_system_id = systemId;
    else if (driver.default_uri !== undefined) mod.uri = driver.default_uri;
    else {
      mod.ip = `10.0.${this.random.int(1, 254)}.${this.random.int(2, 254)}`;
      if (driver.default_port !== undefined) mod.port = driver.default_port;
    }
    this.modulesById.set(id, mod);
    const type = this.driverTypes.get(driverId);
    const initial = type?.initialState({
      random: this.random,
      ids: this.ids,
      roomName: sys.name,
      roomEmail: sys.email,
      ip: mod.ip ?? '10.0.0.10',
      now,
    }) ?? {
      connected: true,
    };
    const hash = new Map<string, string>();
    for (const [k, v] of Object.entries(initial)) hash.set(k, JSON.stringify(v));
    this.states.set(id, hash);
    this.keyCount += hash.size;
    for (const l of this.listeners) l.moduleAdded?.(id);
    this.sortedModules = undefined;
    this.moduleIdList = undefined;
    sys.modules.push(id);
    this.linkModule(id, systemId);
    this.touchSystem(sys);
    this.lookupChanged(systemId);
    return id;
  }

  /** Deletes a module: removed from every system, its state dropped. */
  removeModule(moduleId: string): void {
    this.requireModule(moduleId);
    const systems = [...(this.moduleSystems.get(moduleId) ?? [])];
    this.deleteModuleRecord(moduleId);
    for (const sysId of systems) {
      const sys = this.systemsById.get(sysId);
      if (sys === undefined) continue;
      sys.modules = sys.modules.filter((m) => m !== moduleId);
      this.touchSystem(sys);
      this.lookupChanged(sysId);
    }
  }

  /** Creates a system; returns its id. */
  addSystem(spec: { name: string; zones: string[]; modules?: string[]; email?: string }): string {
    const name = requireText(spec.name, 'name');
    const zones = this.requireZoneList(spec.zones);
    const modules = spec.modules ?? [];
    if (!Array.isArray(modules)) throw new SimInputError('modules must be an array of module ids');
    for (const m of modules) this.requireModule(m);
    if (spec.email !== undefined && typeof spec.email !== 'string')
      throw new SimInputError('email must be a string');
    const now = nowSeconds();
    const id = this.ids.next('sys');
    const sys: SystemRecord = {
      id,
      name,
      description: '',
      features: [],
      capacity: 0,
      bookable: false,
      zones,
      modules: [...modules],
      version: 0,
      created_at: now,
      updated_at: now,
    };
    if (spec.email !== undefined && spec.email !== '') sys.email = spec.email;
    this.systemsById.set(id, sys);
    for (const m of modules) this.linkModule(m, id);
    this.sortedSystems = undefined;
    this.lookupChanged(id);
    return id;
  }

  /** Deletes a system (and its logic modules, as PlaceOS does); bindings to it resolve to nothing. */
  removeSystem(id: string): void {
    const sys = this.requireSystem(id);
    this.systemsById.delete(id);
    this.sortedSystems = undefined;
    for (const m of sys.modules) {
      this.moduleSystems.get(m)?.delete(id);
      if (this.modulesById.get(m)?.control_system_id === id) this.deleteModuleRecord(m);
    }
    this.lookupChanged(id);
  }

  /** Replaces a system's zone list. */
  setSystemZones(systemId: string, zones: string[]): void {
    const sys = this.requireSystem(systemId);
    sys.zones = this.requireZoneList(zones);
    this.touchSystem(sys);
  }

  /** Creates a zone; returns its id. */
  addZone(spec: { name: string; tags: string[]; parentId?: string }): string {
    const name = requireText(spec.name, 'name');
    const tags = this.requireTags(spec.tags);
    if (spec.parentId !== undefined) this.requireZone(spec.parentId);
    const now = nowSeconds();
    const id = this.ids.next('zone');
    const zone: ZoneRecord = {
      id,
      name,
      description: '',
      tags,
      capacity: 0,
      created_at: now,
      updated_at: now,
    };
    if (spec.parentId !== undefined) zone.parent_id = spec.parentId;
    this.zonesById.set(id, zone);
    this.sortedZones = undefined;
    return id;
  }

  /** Renames or re-tags a zone. */
  updateZone(id: string, spec: { name?: string; tags?: string[] }): void {
    const zone = this.requireZone(id);
    if (spec.name !== undefined) zone.name = requireText(spec.name, 'name');
    if (spec.tags !== undefined) zone.tags = this.requireTags(spec.tags);
    zone.updated_at = nowSeconds();
    this.sortedZones = undefined;
  }

  /** Deletes a zone and removes it from every system's zone list. */
  removeZone(id: string): void {
    this.requireZone(id);
    this.zonesById.delete(id);
    this.sortedZones = undefined;
    for (const sys of this.systemsById.values()) {
      if (sys.zones.includes(id)) {
        sys.zones = sys.zones.filter((z) => z !== id);
        this.touchSystem(sys);
      }
    }
  }

  // ---- test controls (delegated to the running server) -----------------------------------------

  /** Closes every control socket abruptly; returns how many were open. */
  dropSockets(): number {
    return this.requireRuntime().dropSockets();
  }

  /** Pauses or resumes random state changes. */
  setPaused(paused: boolean): void {
    this.requireRuntime().setPaused(paused);
  }

  /** Makes the next `times` REST requests under `pathPrefix` fail. */
  injectFault(fault: FaultSpec): void {
    this.requireRuntime().injectFault(fault);
  }

  /** Sends `text` verbatim to every control socket; returns how many got it. */
  sendRawFrame(text: string): number {
    return this.requireRuntime().sendRawFrame(text);
  }

  /** Makes every access token issued so far expired. */
  expireAccessTokens(): void {
    this.requireRuntime().expireAccessTokens();
  }

  /** Frames queued on each control socket but not yet written to the kernel. */
  pressure(): SimPressure {
    return this.requireRuntime().pressure();
  }

  /** Restarts the pressure maxima from the current values. */
  resetPressure(): void {
    this.requireRuntime().resetPressure();
  }

  // ---- internal reads used by the servers (no copies) --------------------------------------------

  /** Systems ordered by name, id (shared array: do not mutate). */
  listSystems(): readonly SystemRecord[] {
    this.sortedSystems ??= [...this.systemsById.values()].sort(byNameThenId);
    return this.sortedSystems;
  }

  /** Zones ordered by name, id (shared array: do not mutate). */
  listZones(): readonly ZoneRecord[] {
    this.sortedZones ??= [...this.zonesById.values()].sort(byNameThenId);
    return this.sortedZones;
  }

  /** Modules ordered by custom_name, name, id (shared array: do not mutate). */
  listModules(): readonly ModuleRecord[] {
    this.sortedModules ??= [...this.modulesById.values()].sort(byCustomNameNameId);
    return this.sortedModules;
  }

  /** Drivers ordered by name, id (shared array: do not mutate). */
  listDrivers(): readonly DriverRecord[] {
    this.sortedDrivers ??= [...this.driversById.values()].sort(byNameThenId);
    return this.sortedDrivers;
  }

  /** The stored system record. */
  systemRecord(id: string): SystemRecord | undefined {
    return this.systemsById.get(id);
  }

  /** The stored zone record. */
  zoneRecord(id: string): ZoneRecord | undefined {
    return this.zonesById.get(id);
  }

  /** The stored module record. */
  moduleRecord(id: string): ModuleRecord | undefined {
    return this.modulesById.get(id);
  }

  /** The stored driver record. */
  driverRecord(id: string): DriverRecord | undefined {
    return this.driversById.get(id);
  }

  /** Every module id (shared array: do not mutate). */
  moduleIds(): readonly string[] {
    this.moduleIdList ??= [...this.modulesById.keys()];
    return this.moduleIdList;
  }

  /** The device type behind a module's driver. */
  deviceTypeOf(moduleId: string): DeviceType | undefined {
    const mod = this.modulesById.get(moduleId);
    return mod === undefined ? undefined : this.driverTypes.get(mod.driver_id);
  }

  /** The stored status hash (shared: do not mutate). */
  stateHash(moduleId: string): ReadonlyMap<string, string> | undefined {
    return this.states.get(moduleId);
  }

  /** One stored status text. */
  rawState(moduleId: string, key: string): string | undefined {
    return this.states.get(moduleId)?.get(key);
  }

  /** rest-api's live `connected`: `status["connected"] != "false"`. */
  isConnected(moduleId: string): boolean {
    return this.states.get(moduleId)?.get('connected') !== 'false';
  }

  /** Resolves `(sys, mod, index)` through the system's module lookup like core's `system/<sys>` hash. */
  resolveModule(systemId: string, name: string, index: number): string | undefined {
    return this.moduleLookup(systemId)?.get(slotKey(name, index));
  }

  /** Core's `system/<sys>` hash: `"<ResolvedName>/<index>"` → module id (shared: do not mutate). */
  moduleLookup(systemId: string): ReadonlyMap<string, string> | undefined {
    let slots = this.slotCache.get(systemId);
    if (slots === undefined) {
      const sys = this.systemsById.get(systemId);
      if (sys === undefined) return undefined;
      slots = computeModuleSlots(
        sys.modules.flatMap((id) => {
          const m = this.modulesById.get(id);
          return m === undefined ? [] : [{ id, resolvedName: resolvedName(m) }];
        }),
      );
      this.slotCache.set(systemId, slots);
    }
    return slots;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private lookupChanged(systemId: string): void {
    this.slotCache.delete(systemId);
    for (const l of this.listeners) l.lookupChanged(systemId);
  }

  private emitState(moduleId: string, key: string, text: string | null): void {
    for (const l of this.listeners) l.stateChanged(moduleId, key, text);
  }

  private touchSystem(sys: SystemRecord): void {
    sys.version += 1;
    sys.updated_at = nowSeconds();
  }

  private linkModule(moduleId: string, systemId: string): void {
    let set = this.moduleSystems.get(moduleId);
    if (set === undefined) {
      set = new Set();
      this.moduleSystems.set(moduleId, set);
    }
    set.add(systemId);
  }

  private deleteModuleRecord(moduleId: string): void {
    this.modulesById.delete(moduleId);
    this.keyCount -= this.states.get(moduleId)?.size ?? 0;
    this.states.delete(moduleId);
    this.moduleSystems.delete(moduleId);
    this.sortedModules = undefined;
    this.moduleIdList = undefined;
    for (const l of this.listeners) l.moduleRemoved?.(moduleId);
  }

  private requireRuntime(): SimRuntimeControls {
    if (this.runtime === undefined) throw new Error('the simulator is not running');
    return this.runtime;
  }

  private requireSystem(id: string): SystemRecord {
    const sys = typeof id === 'string' ? this.systemsById.get(id) : undefined;
    if (sys === undefined) throw new SimNotFoundError(`unknown system ${String(id)}`);
    return sys;
  }

  private requireZone(id: string): ZoneRecord {
    const zone = typeof id === 'string' ? this.zonesById.get(id) : undefined;
    if (zone === undefined) throw new SimNotFoundError(`unknown zone ${String(id)}`);
    return zone;
  }

  private requireModule(id: string): ModuleRecord {
    const mod = typeof id === 'string' ? this.modulesById.get(id) : undefined;
    if (mod === undefined) throw new SimNotFoundError(`unknown module ${String(id)}`);
    return mod;
  }

  private requireZoneList(zones: unknown): string[] {
    if (!Array.isArray(zones) || !zones.every((z) => typeof z === 'string'))
      throw new SimInputError('zones must be an array of zone ids');
    for (const z of zones) {
      if (!this.zonesById.has(z)) throw new SimInputError(`unknown zone ${z}`);
    }
    return [...zones];
  }

  private requireTags(tags: unknown): string[] {
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string'))
      throw new SimInputError('tags must be an array of strings');
    return [...tags];
  }
}
