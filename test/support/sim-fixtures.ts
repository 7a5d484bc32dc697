import type { Simulator, SimulatorOptions, SimWorld } from '@app/placeos-sim';

/** One org, one building, two rooms: a few hundred state topics, so rate-limited runs stay short. */
export const SMALL_PORTFOLIO: SimulatorOptions = {
  seed: 11,
  portfolio: {
    orgs: 1,
    regionsPerOrg: 1,
    buildingsPerRegion: 1,
    levelsPerBuilding: 1,
    roomsPerLevel: 2,
  },
};

/** How many state topics the simulated portfolio has (one per status key of each module). */
export function stateTopicCount(sim: Simulator): number {
  return sim.world
    .listSystems()
    .flatMap((s) => s.modules.map((m) => sim.world.stateHash(m)?.size ?? 0))
    .reduce((a, b) => a + b, 0);
}

/**
 * Adds a zone `Org` (tagged `org`), a system `room` in it and a module `customName` of the first
 * driver to the simulated world.
 */
export function addRoomModule(
  world: SimWorld,
  room: string,
  customName: string,
): { org: string; sys: string; mod: string } {
  const org = world.addZone({ name: 'Org', tags: ['org'] });
  const sys = world.addSystem({ name: room, zones: [org] });
  const mod = world.addModule(sys, { driverId: world.listDrivers()[0].id, customName });
  return { org, sys, mod };
}
