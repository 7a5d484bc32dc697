import type { PlaceDriver, PlaceModule, PlaceSystem, PlaceZone } from '../model/place-models';
import { Topology } from '../model/topology';
import { ListingMemo } from '../rest/listing-memo';
import { parseDriver, parseModule, parseSystem, parseZone } from '../rest/model-parsers';
import type { RestClient } from '../rest/rest-client';

/**
 * What discovery remembers between reads: the pages of every listing, and the topology made of
 * them, given back as it is when no page changed.
 */
export class DiscoveryMemo {
  readonly systems = new ListingMemo<PlaceSystem>();
  readonly modules = new ListingMemo<PlaceModule>();
  readonly zones = new ListingMemo<PlaceZone>();
  readonly drivers = new ListingMemo<PlaceDriver>();
  private lastTopology?: Topology;

  /** The topology of the last complete read. */
  get last(): Topology | undefined {
    return this.lastTopology;
  }

  beginRound(): void {
    for (const memo of this.all()) memo.beginRound();
  }

  /** Every listing was read: the topology made of them is the new reference. */
  endRound(topology: Topology): void {
    for (const memo of this.all()) memo.endRound();
    this.lastTopology = topology;
  }

  get changed(): boolean {
    return this.all().some((memo) => memo.changed > 0);
  }

  private all(): Pick<ListingMemo<unknown>, 'beginRound' | 'endRound' | 'changed'>[] {
    return [this.systems, this.modules, this.zones, this.drivers];
  }
}

/**
 * Which systems the bridge publishes. Not narrowed by shard: every replica reads the whole
 * portfolio, because metadata owners must know every system that uses a model.
 */
export interface DiscoveryScope {
  /** Only systems in at least one of these zones; empty = every system. */
  zones: string[];
}

/**
 * Reads systems, modules, zones and drivers over REST and keeps what the scope needs: the
 * systems in scope, and only the modules, zones and drivers those systems use.
 */
export async function discoverTopology(
  rest: RestClient,
  scope: DiscoveryScope,
  memo: DiscoveryMemo = new DiscoveryMemo(),
): Promise<Topology> {
  memo.beginRound();
  const systems = await listSystems(rest, scope, memo);
  const [modules, zones, drivers] = await Promise.all([
    listModules(rest, scope, systems, memo),
    listAllParsed(rest, '/zones', parseZone, memo.zones),
    listAllParsed(rest, '/drivers', parseDriver, memo.drivers),
  ]);
  // Nothing PlaceOS listed differs from the last read: the same topology, and a diff of nothing.
  if (memo.last && !memo.changed) return memo.last;
  const topology = buildTopology(systems, modules, zones, drivers);
  memo.endRound(topology);
  return topology;
}

/** The systems in scope with only the modules, zones and drivers they use. */
function buildTopology(
  systems: Map<string, PlaceSystem>,
  modules: Map<string, PlaceModule>,
  zones: Map<string, PlaceZone>,
  drivers: Map<string, PlaceDriver>,
): Topology {
  const usedModules = new Map<string, PlaceModule>();
  const usedZones = new Map<string, PlaceZone>();
  for (const system of systems.values()) {
    for (const id of system.modules) {
      const module = modules.get(id);
      if (module) usedModules.set(id, module);
    }
    for (const id of system.zones) {
      const zone = zones.get(id);
      if (zone) usedZones.set(id, zone);
    }
  }
  const usedDrivers = new Map<string, PlaceDriver>();
  for (const module of usedModules.values()) {
    const driver = drivers.get(module.driverId);
    if (driver) usedDrivers.set(driver.id, driver);
  }
  return new Topology(systems, usedZones, usedModules, usedDrivers);
}

async function listSystems(
  rest: RestClient,
  scope: DiscoveryScope,
  memo: DiscoveryMemo,
): Promise<Map<string, PlaceSystem>> {
  let systems: Map<string, PlaceSystem>;
  if (scope.zones.length === 0) {
    systems = await listAllParsed(rest, '/systems', parseSystem, memo.systems);
  } else {
    systems = new Map();
    // `zone_id=a,b` means "in all of them"; scope means "in any", so one listing per zone.
    const perZone = await Promise.all(
      scope.zones.map((zone) =>
        listAllParsed(rest, '/systems', parseSystem, memo.systems, { zone_id: zone }),
      ),
    );
    for (const listing of perZone) for (const [id, system] of listing) systems.set(id, system);
  }
  return systems;
}

async function listModules(
  rest: RestClient,
  scope: DiscoveryScope,
  systems: Map<string, PlaceSystem>,
  memo: DiscoveryMemo,
): Promise<Map<string, PlaceModule>> {
  if (scope.zones.length === 0) {
    // Paging through every module costs total/pageSize requests, fewer than one per system.
    return listAllParsed(rest, '/modules', parseModule, memo.modules);
  }
  // A zone subset: ask per system rather than page through every module of the installation.
  const modules = new Map<string, PlaceModule>();
  await Promise.all(
    [...systems.keys()].map(async (systemId) => {
      const listing = await listAllParsed(rest, '/modules', parseModule, memo.modules, {
        control_system_id: systemId,
      });
      for (const [id, module] of listing) modules.set(id, module);
    }),
  );
  return modules;
}

async function listAllParsed<T extends { id: string }>(
  rest: RestClient,
  path: string,
  parse: (raw: unknown) => T | undefined,
  memo: ListingMemo<T>,
  query: Record<string, string> = {},
): Promise<Map<string, T>> {
  const result = new Map<string, T>();
  for (const item of await rest.listAll(path, query, parse, memo)) result.set(item.id, item);
  return result;
}
