import { DeviceType } from './device-catalog';
import { IdGenerator } from './id-generator';
import { requireText } from './input-checks';
import { ModelJson, driverJson, moduleJson, systemJson, zoneJson } from './model-json';
import { ModelStore } from './model-store';
import { ModuleLookups } from './module-lookups';
import { DriverRecord, ModuleRecord, SystemRecord, ZoneRecord } from './records';
import { SeededRandom } from './seeded-random';
import { SimInputError } from './sim-errors';
import { StatusStore } from './status-store';
import { TopologyEditor } from './topology-editor';
import { WorldEvents } from './world-events';
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

/**
 * The simulated PlaceOS database plus Redis status store; every mutation is announced to listeners.
 * One entry point for the servers and the tests: the tables, status hashes, lookups and topology
 * edits live in their own classes, and the socket-level test controls in the running server.
 */
export class SimWorld {
  private readonly models: ModelStore;
  private readonly status: StatusStore;
  private readonly lookups: ModuleLookups;
  private readonly events = new WorldEvents();
  private readonly topology: TopologyEditor;
  private readonly driverTypes: Map<string, DeviceType>;
  private runtime: SimRuntimeControls | undefined;

  constructor(data: WorldData) {
    this.models = new ModelStore(data);
    this.status = new StatusStore(data.states);
    this.lookups = new ModuleLookups(this.models);
    this.driverTypes = data.driverTypes;
    this.topology = new TopologyEditor({
      models: this.models,
      status: this.status,
      lookups: this.lookups,
      events: this.events,
      driverTypes: data.driverTypes,
      ids: data.ids,
      random: data.random,
    });
  }

  // ---- wiring -------------------------------------------------------------------------------

  /** Registers a listener for state and lookup changes; returns an unsubscribe function. */
  addListener(listener: WorldListener): () => void {
    return this.events.add(listener);
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
    const s = this.models.system(id);
    return s === undefined ? undefined : systemJson(s);
  }

  /** All zones, ordered by name then id. */
  zones(): ModelJson[] {
    return this.listZones().map(zoneJson);
  }

  /** One zone, or undefined. */
  zone(id: string): ModelJson | undefined {
    const z = this.models.zone(id);
    return z === undefined ? undefined : zoneJson(z);
  }

  /** All modules, ordered by custom_name (nulls last), name, id. */
  modules(): ModelJson[] {
    return this.listModules().map((m) => moduleJson(m, this.isConnected(m.id)));
  }

  /** One module, or undefined. */
  module(id: string): ModelJson | undefined {
    const m = this.models.module(id);
    return m === undefined ? undefined : moduleJson(m, this.isConnected(m.id));
  }

  /** All drivers, ordered by name then id. */
  drivers(): ModelJson[] {
    return this.listDrivers().map(driverJson);
  }

  /** One driver, or undefined. */
  driver(id: string): ModelJson | undefined {
    const d = this.models.driver(id);
    return d === undefined ? undefined : driverJson(d);
  }

  /** A module's status hash: key → stored JSON text. */
  state(moduleId: string): Record<string, string> {
    return this.status.snapshot(moduleId);
  }

  /** Counts of models, status keys, control sockets and bindings. */
  stats(): SimStats {
    return {
      ...this.models.counts(),
      keys: this.status.keyCount,
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
    this.models.requireModule(moduleId);
    requireText(key, 'key');
    if (typeof text !== 'string') throw new SimInputError('raw must be a string');
    this.status.set(moduleId, key, text);
    this.events.stateChanged(moduleId, key, text);
  }

  /** Deletes a status key; bindings get `null` (PlaceOS publishes "null" on delete). */
  deleteState(moduleId: string, key: string): void {
    this.models.requireModule(moduleId);
    this.status.delete(moduleId, key);
    this.events.stateChanged(moduleId, key, null);
  }

  // ---- topology ------------------------------------------------------------------------------

  /** Sets or clears a module's custom name; remaps bindings of every system holding it. */
  renameModule(moduleId: string, customName: string | null): void {
    this.topology.renameModule(moduleId, customName);
  }

  /** Re-orders a system's modules; `moduleIds` must be a permutation of the current list. */
  reorderModules(systemId: string, moduleIds: string[]): void {
    this.topology.reorderModules(systemId, moduleIds);
  }

  /** Creates a module of `driverId` at the end of the system's modules (with initial state); returns its id. */
  addModule(systemId: string, spec: { driverId: string; customName?: string }): string {
    return this.topology.addModule(systemId, spec);
  }

  /** Deletes a module: removed from every system, its state dropped. */
  removeModule(moduleId: string): void {
    this.topology.removeModule(moduleId);
  }

  /** Creates a system; returns its id. */
  addSystem(spec: { name: string; zones: string[]; modules?: string[]; email?: string }): string {
    return this.topology.addSystem(spec);
  }

  /** Deletes a system (and its logic modules, as PlaceOS does); bindings to it resolve to nothing. */
  removeSystem(id: string): void {
    this.topology.removeSystem(id);
  }

  /** Replaces a system's zone list. */
  setSystemZones(systemId: string, zones: string[]): void {
    this.topology.setSystemZones(systemId, zones);
  }

  /** Creates a zone; returns its id. */
  addZone(spec: { name: string; tags: string[]; parentId?: string }): string {
    return this.topology.addZone(spec);
  }

  /** Renames or re-tags a zone. */
  updateZone(id: string, spec: { name?: string; tags?: string[] }): void {
    this.topology.updateZone(id, spec);
  }

  /** Deletes a zone and removes it from every system's zone list. */
  removeZone(id: string): void {
    this.topology.removeZone(id);
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
    return this.models.listSystems();
  }

  /** Zones ordered by name, id (shared array: do not mutate). */
  listZones(): readonly ZoneRecord[] {
    return this.models.listZones();
  }

  /** Modules ordered by custom_name, name, id (shared array: do not mutate). */
  listModules(): readonly ModuleRecord[] {
    return this.models.listModules();
  }

  /** Drivers ordered by name, id (shared array: do not mutate). */
  listDrivers(): readonly DriverRecord[] {
    return this.models.listDrivers();
  }

  /** The stored system record. */
  systemRecord(id: string): SystemRecord | undefined {
    return this.models.system(id);
  }

  /** The stored zone record. */
  zoneRecord(id: string): ZoneRecord | undefined {
    return this.models.zone(id);
  }

  /** The stored module record. */
  moduleRecord(id: string): ModuleRecord | undefined {
    return this.models.module(id);
  }

  /** The stored driver record. */
  driverRecord(id: string): DriverRecord | undefined {
    return this.models.driver(id);
  }

  /** Every module id (shared array: do not mutate). */
  moduleIds(): readonly string[] {
    return this.models.moduleIds();
  }

  /** The device type behind a module's driver. */
  deviceTypeOf(moduleId: string): DeviceType | undefined {
    const mod = this.models.module(moduleId);
    return mod === undefined ? undefined : this.driverTypes.get(mod.driver_id);
  }

  /** The stored status hash (shared: do not mutate). */
  stateHash(moduleId: string): ReadonlyMap<string, string> | undefined {
    return this.status.hash(moduleId);
  }

  /** One stored status text. */
  rawState(moduleId: string, key: string): string | undefined {
    return this.status.text(moduleId, key);
  }

  /** rest-api's live `connected`: `status["connected"] != "false"`. */
  isConnected(moduleId: string): boolean {
    return this.status.isConnected(moduleId);
  }

  /** Resolves `(sys, mod, index)` through the system's module lookup like core's `system/<sys>` hash. */
  resolveModule(systemId: string, name: string, index: number): string | undefined {
    return this.lookups.resolve(systemId, name, index);
  }

  /** Core's `system/<sys>` hash: `"<ResolvedName>/<index>"` → module id (shared: do not mutate). */
  moduleLookup(systemId: string): ReadonlyMap<string, string> | undefined {
    return this.lookups.lookup(systemId);
  }

  private requireRuntime(): SimRuntimeControls {
    if (this.runtime === undefined) throw new Error('the simulator is not running');
    return this.runtime;
  }
}
