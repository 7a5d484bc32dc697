import type { JsonObject } from '@app/json';
import type { Topology } from '@app/placeos-client';
import {
  metadataTopic,
  moduleTopicPart,
  parseStateTopicLevels,
  type StateTopicParts,
  stateTopicPrefix,
} from './state-topic';
import { encodeTopicLevel, MISSING_LEVEL } from './topic-level';

/** Where a system sits in the zone hierarchy: its org zone id and hierarchy[1..] zone ids or MISSING_LEVEL. */
export interface SystemPlacement {
  org: string;
  levels: string[];
}

/** One retained metadata message: a model published under the org of a system that uses it. */
export interface MetadataEntry {
  topic: string;
  org: string;
  modelId: string;
  kind: 'zone' | 'system' | 'driver';
  model: JsonObject;
}

/** A state topic's location without its key: the system and everything up to `<idx>`. */
interface ModuleTopicBase {
  systemId: string;
  base: string;
}

/** Everything derived from one immutable Topology snapshot, computed once. */
interface TopologyCache {
  placements: Map<string, SystemPlacement | undefined>;
  /** moduleId → one base per (system, slot) the module is published under. */
  moduleBases?: Map<string, ModuleTopicBase[]>;
}

/** The default zone hierarchy (product.md: `PLACEOS_HIERARCHY`, default `org building level area`). */
export const DEFAULT_HIERARCHY: readonly string[] = ['org', 'building', 'level', 'area'];

/**
 * Maps PlaceOS systems, modules and status keys to canonical MQTT topics (product.md "Topic
 * mapping"). Pure: everything comes from the Topology snapshot passed in. Results are cached per
 * snapshot (a Topology never changes), so mapping each state change is a couple of Map lookups.
 *
 * A module a system lists twice has two slots (PlaceOS addresses it as `Name_1` and `Name_2`):
 * it is published under both, so stateTopicsOfModule returns one topic per slot, and stateTopic
 * returns the first.
 */
export class TopicMapper {
  /** The zone tags, hierarchy[0] being the org tag. */
  readonly hierarchy: readonly string[];
  private readonly caches = new WeakMap<Topology, TopologyCache>();

  constructor(options: { hierarchy?: readonly string[] } = {}) {
    const hierarchy = options.hierarchy ?? DEFAULT_HIERARCHY;
    if (hierarchy.length === 0) throw new Error('the zone hierarchy needs at least the org tag');
    if (hierarchy.some((tag) => tag === ''))
      throw new Error('a zone hierarchy tag must not be empty');
    if (new Set(hierarchy).size !== hierarchy.length) {
      throw new Error(`the zone hierarchy repeats a tag: ${hierarchy.join(' ')}`);
    }
    this.hierarchy = Object.freeze([...hierarchy]);
  }

  /**
   * Level N is the first of the system's zones (in its `zones` order) tagged hierarchy[N]; zone
   * ids unknown to the topology are ignored. Undefined when the system is unknown or has no org
   * zone, i.e. is not published.
   */
  placement(topology: Topology, systemId: string): SystemPlacement | undefined {
    const cache = this.cacheOf(topology);
    if (cache.placements.has(systemId)) return cache.placements.get(systemId);
    const placement = this.computePlacement(topology, systemId);
    cache.placements.set(systemId, placement);
    return placement;
  }

  /** The module's state topic in that system (its first slot), or undefined when not published. */
  stateTopic(
    topology: Topology,
    systemId: string,
    moduleId: string,
    key: string,
  ): string | undefined {
    const base = this.moduleBases(topology, moduleId).find((b) => b.systemId === systemId);
    return base === undefined ? undefined : `${base.base}/${encodeTopicLevel(key)}`;
  }

  /** Every topic the module's key is published under: one per published system and slot. */
  stateTopicsOfModule(
    topology: Topology,
    moduleId: string,
    key: string,
  ): Array<{ systemId: string; topic: string }> {
    const encodedKey = encodeTopicLevel(key);
    return this.moduleBases(topology, moduleId).map((b) => ({
      systemId: b.systemId,
      topic: `${b.base}/${encodedKey}`,
    }));
  }

  /**
   * Every metadata message the topology calls for, keyed by topic. For each published system,
   * under its org: the org zone, each zone filling one of its levels, the system itself and the
   * driver of each of its modules. Models missing from the topology are skipped.
   */
  metadata(topology: Topology): Map<string, MetadataEntry> {
    const entries = new Map<string, MetadataEntry>();
    const add = (org: string, kind: MetadataEntry['kind'], modelId: string, model: JsonObject) => {
      const topic = metadataTopic(org, modelId);
      if (!entries.has(topic)) entries.set(topic, { topic, org, modelId, kind, model });
    };
    for (const system of topology.systems.values()) {
      const placement = this.placement(topology, system.id);
      if (placement === undefined) continue;
      const { org } = placement;
      for (const zoneId of [org, ...placement.levels]) {
        const zone = zoneId === MISSING_LEVEL ? undefined : topology.zones.get(zoneId);
        if (zone !== undefined) add(org, 'zone', zone.id, zone.raw);
      }
      add(org, 'system', system.id, system.raw);
      for (const moduleId of system.modules) {
        const driverId = topology.modules.get(moduleId)?.driverId;
        const driver = driverId === undefined ? undefined : topology.drivers.get(driverId);
        if (driver !== undefined) add(org, 'driver', driver.id, driver.raw);
      }
    }
    return entries;
  }

  /** The decoded parts of a canonical state topic for this hierarchy, or undefined for any other text. */
  parseStateTopic(topic: string): StateTopicParts | undefined {
    return parseStateTopicLevels(topic, this.hierarchy.length);
  }

  private computePlacement(topology: Topology, systemId: string): SystemPlacement | undefined {
    const system = topology.systems.get(systemId);
    if (system === undefined) return undefined;
    const filled: Array<string | undefined> = this.hierarchy.map(() => undefined);
    for (const zoneId of system.zones) {
      const zone = topology.zones.get(zoneId);
      if (zone === undefined) continue;
      this.hierarchy.forEach((tag, level) => {
        if (filled[level] === undefined && zone.tags.includes(tag)) filled[level] = zoneId;
      });
    }
    const [org, ...levels] = filled;
    if (org === undefined) return undefined;
    return Object.freeze({
      org,
      levels: Object.freeze(levels.map((id) => id ?? MISSING_LEVEL)) as string[],
    });
  }

  private moduleBases(topology: Topology, moduleId: string): ModuleTopicBase[] {
    const cache = this.cacheOf(topology);
    cache.moduleBases ??= this.computeModuleBases(topology);
    return cache.moduleBases.get(moduleId) ?? [];
  }

  /** One pass over every system, so looking up a module's topics never scans all systems. */
  private computeModuleBases(topology: Topology): Map<string, ModuleTopicBase[]> {
    const bases = new Map<string, ModuleTopicBase[]>();
    for (const system of topology.systems.values()) {
      const placement = this.placement(topology, system.id);
      if (placement === undefined) continue;
      const prefix = stateTopicPrefix(placement.org, placement.levels, system.id);
      for (const slot of topology.slots(system.id)) {
        const module = topology.modules.get(slot.moduleId);
        if (module === undefined) continue;
        const base = `${prefix}/${moduleTopicPart(module.driverId, slot.name, slot.index)}`;
        const list = bases.get(slot.moduleId);
        if (list === undefined) bases.set(slot.moduleId, [{ systemId: system.id, base }]);
        else list.push({ systemId: system.id, base });
      }
    }
    return bases;
  }

  private cacheOf(topology: Topology): TopologyCache {
    let cache = this.caches.get(topology);
    if (cache === undefined) {
      cache = { placements: new Map() };
      this.caches.set(topology, cache);
    }
    return cache;
  }
}
