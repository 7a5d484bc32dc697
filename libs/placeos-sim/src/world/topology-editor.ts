import { DeviceType } from './device-catalog';
import { IdGenerator } from './id-generator';
import { isStringArray, requireText } from './input-checks';
import { ModelStore } from './model-store';
import { ModuleLookups } from './module-lookups';
import { createModuleRecord, SystemRecord, ZoneRecord } from './records';
import { SeededRandom } from './seeded-random';
import { SimInputError } from './sim-errors';
import { StatusStore } from './status-store';
import { WorldEvents } from './world-events';

/** What the editor changes and whom it tells. */
export interface TopologyParts {
  models: ModelStore;
  status: StatusStore;
  lookups: ModuleLookups;
  events: WorldEvents;
  /** Device type behind each driver id, for a new module's initial status. */
  driverTypes: ReadonlyMap<string, DeviceType>;
  ids: IdGenerator;
  random: SeededRandom;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** PlaceOS raises `version` on every API update, and clients diff systems by it. */
function touchSystem(sys: SystemRecord): void {
  sys.version += 1;
  sys.updated_at = nowSeconds();
}

function requireTags(tags: unknown): string[] {
  if (!isStringArray(tags)) throw new SimInputError('tags must be an array of strings');
  return [...tags];
}

/**
 * Creates, edits and deletes systems, zones and modules with PlaceOS's side effects: a change to
 * what a system's lookup resolves announces `lookup-change`, a deleted module takes its status.
 */
export class TopologyEditor {
  constructor(private readonly parts: TopologyParts) {}

  renameModule(moduleId: string, customName: string | null): void {
    const { models } = this.parts;
    const mod = models.requireModule(moduleId);
    if (customName !== null && typeof customName !== 'string')
      throw new SimInputError('custom_name must be a string or null');
    if (customName === null || customName === '') delete mod.custom_name;
    else mod.custom_name = customName;
    mod.updated_at = nowSeconds();
    models.moduleRenamed();
    for (const sysId of models.systemsOf(moduleId)) this.lookupChanged(sysId);
  }

  reorderModules(systemId: string, moduleIds: string[]): void {
    const sys = this.parts.models.requireSystem(systemId);
    if (!isStringArray(moduleIds))
      throw new SimInputError('modules must be an array of module ids');
    const current = [...sys.modules].sort();
    const proposed = [...moduleIds].sort();
    if (current.length !== proposed.length || current.some((m, i) => m !== proposed[i])) {
      throw new SimInputError('modules must be a permutation of the system modules');
    }
    sys.modules = [...moduleIds];
    touchSystem(sys);
    this.lookupChanged(systemId);
  }

  addModule(systemId: string, spec: { driverId: string; customName?: string }): string {
    const { models, status, events, ids, random } = this.parts;
    const sys = models.requireSystem(systemId);
    const driverId = requireText(spec.driverId, 'driver_id');
    const driver = models.driver(driverId);
    if (driver === undefined) throw new SimInputError(`unknown driver ${driverId}`);
    if (spec.customName !== undefined && typeof spec.customName !== 'string')
      throw new SimInputError('custom_name must be a string');
    const now = nowSeconds();
    const mod = createModuleRecord(driver, {
      id: ids.next('mod'),
      systemId,
      ip: () => `10.0.${random.int(1, 254)}.${random.int(2, 254)}`,
      created_at: now,
      updated_at: now,
    });
    if (spec.customName !== undefined && spec.customName !== '') mod.custom_name = spec.customName;
    models.addModule(mod);
    const type = this.parts.driverTypes.get(driverId);
    const initial = type?.initialState({
      random,
      ids,
      roomName: sys.name,
      roomEmail: sys.email,
      ip: mod.ip ?? '10.0.0.10',
      now,
    }) ?? { connected: true };
    status.create(mod.id, initial);
    events.moduleAdded(mod.id);
    sys.modules.push(mod.id);
    models.link(mod.id, systemId);
    touchSystem(sys);
    this.lookupChanged(systemId);
    return mod.id;
  }

  removeModule(moduleId: string): void {
    const { models } = this.parts;
    models.requireModule(moduleId);
    const systems = [...models.systemsOf(moduleId)];
    this.deleteModule(moduleId);
    for (const sysId of systems) {
      const sys = models.system(sysId);
      if (sys === undefined) continue;
      sys.modules = sys.modules.filter((m) => m !== moduleId);
      touchSystem(sys);
      this.lookupChanged(sysId);
    }
  }

  addSystem(spec: { name: string; zones: string[]; modules?: string[]; email?: string }): string {
    const { models } = this.parts;
    const name = requireText(spec.name, 'name');
    const zones = this.requireZoneList(spec.zones);
    const modules = spec.modules ?? [];
    if (!Array.isArray(modules)) throw new SimInputError('modules must be an array of module ids');
    for (const m of modules) models.requireModule(m);
    if (spec.email !== undefined && typeof spec.email !== 'string')
      throw new SimInputError('email must be a string');
    const now = nowSeconds();
    const sys: SystemRecord = {
      id: this.parts.ids.next('sys'),
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
    models.addSystem(sys);
    this.lookupChanged(sys.id);
    return sys.id;
  }

  /** Logic modules go with their system, as in PlaceOS; other members only lose the link. */
  removeSystem(id: string): void {
    const { models } = this.parts;
    const sys = models.requireSystem(id);
    models.deleteSystem(id);
    for (const m of sys.modules) {
      models.unlink(m, id);
      if (models.module(m)?.control_system_id === id) this.deleteModule(m);
    }
    this.lookupChanged(id);
  }

  setSystemZones(systemId: string, zones: string[]): void {
    const sys = this.parts.models.requireSystem(systemId);
    sys.zones = this.requireZoneList(zones);
    touchSystem(sys);
  }

  addZone(spec: { name: string; tags: string[]; parentId?: string }): string {
    const { models } = this.parts;
    const name = requireText(spec.name, 'name');
    const tags = requireTags(spec.tags);
    if (spec.parentId !== undefined) models.requireZone(spec.parentId);
    const now = nowSeconds();
    const zone: ZoneRecord = {
      id: this.parts.ids.next('zone'),
      name,
      description: '',
      tags,
      capacity: 0,
      created_at: now,
      updated_at: now,
    };
    if (spec.parentId !== undefined) zone.parent_id = spec.parentId;
    models.addZone(zone);
    return zone.id;
  }

  updateZone(id: string, spec: { name?: string; tags?: string[] }): void {
    const { models } = this.parts;
    const zone = models.requireZone(id);
    if (spec.name !== undefined) zone.name = requireText(spec.name, 'name');
    if (spec.tags !== undefined) zone.tags = requireTags(spec.tags);
    zone.updated_at = nowSeconds();
    models.zoneRenamed();
  }

  removeZone(id: string): void {
    const { models } = this.parts;
    models.requireZone(id);
    models.deleteZone(id);
    for (const sys of models.allSystems()) {
      if (sys.zones.includes(id)) {
        sys.zones = sys.zones.filter((z) => z !== id);
        touchSystem(sys);
      }
    }
  }

  private lookupChanged(systemId: string): void {
    this.parts.lookups.invalidate(systemId);
    this.parts.events.lookupChanged(systemId);
  }

  private deleteModule(moduleId: string): void {
    this.parts.models.deleteModule(moduleId);
    this.parts.status.drop(moduleId);
    this.parts.events.moduleRemoved(moduleId);
  }

  private requireZoneList(zones: unknown): string[] {
    if (!isStringArray(zones)) throw new SimInputError('zones must be an array of zone ids');
    for (const z of zones) {
      if (this.parts.models.zone(z) === undefined) throw new SimInputError(`unknown zone ${z}`);
    }
    return [...zones];
  }
}
