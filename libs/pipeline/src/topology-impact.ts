import type { TopologyChangeKind, TopologyUpdate } from '@app/placeos-client';

/** What a topology update can change of what the bridge publishes. */
export interface TopologyImpact {
  /** Systems whose state topics may have moved (their slots' prefixes are worked out again). */
  systems: ReadonlySet<string>;
  /** Whether metadata topics (org, zones, systems, drivers) may have changed, appeared or gone. */
  metadata: boolean;
}

/** Changes that never move a state topic: topics name systems and drivers by id. */
const TOPIC_NEUTRAL: ReadonlySet<TopologyChangeKind> = new Set([
  'system-changed',
  'driver-changed',
]);
/** Changes that never touch metadata: modules are not published as models. */
const METADATA_NEUTRAL: ReadonlySet<TopologyChangeKind> = new Set([
  'module-renamed',
  'modules-reordered',
]);

/**
 * Which systems' topics and whether the metadata a topology update can have changed. A module
 * whose JSON changed without a new driver (its live `connected` flag, say, which flips whenever
 * a device drops) changes neither: PlaceOS reports those all the time, and each would otherwise
 * cost a pass over every slot and every model.
 */
export function topologyImpact(update: TopologyUpdate): TopologyImpact {
  const systems = new Set<string>();
  let metadata = false;
  for (const change of update.changes) {
    if (change.kind === 'module-changed') {
      const before = update.previous.modules.get(change.id)?.driverId;
      const after = update.current.modules.get(change.id)?.driverId;
      if (before === after) continue;
    }
    if (!TOPIC_NEUTRAL.has(change.kind)) for (const id of change.systemIds) systems.add(id);
    if (!METADATA_NEUTRAL.has(change.kind)) metadata = true;
  }
  return { systems, metadata };
}
