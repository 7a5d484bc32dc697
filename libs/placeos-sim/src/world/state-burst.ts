import type { SimWorld } from './sim-world';

/** What a burst changed: how many changes, and the last value each key got. */
export interface BurstResult {
  changes: number;
  keys: number;
  /** The value every burst key holds afterwards (rounds are numbered from 1). */
  finalValue: string;
}

/**
 * A storm of driver updates, as when a building's devices reconnect at once: `changesPerKey`
 * rounds over the first `keys` status keys (modules in world order), each round giving every
 * key a new value, all in one tick like a burst of Redis publishes reaching rest-api together.
 */
export function applyStateBurst(world: SimWorld, keys: number, changesPerKey: number): BurstResult {
  const targets: Array<[string, string]> = [];
  for (const moduleId of world.moduleIds()) {
    for (const key of world.stateHash(moduleId)?.keys() ?? []) {
      if (targets.length === keys) break;
      targets.push([moduleId, key]);
    }
    if (targets.length === keys) break;
  }
  for (let round = 1; round <= changesPerKey; round++) {
    for (const [moduleId, key] of targets) world.setState(moduleId, key, `burst ${round}`);
  }
  return {
    changes: targets.length * changesPerKey,
    keys: targets.length,
    finalValue: `burst ${changesPerKey}`,
  };
}
