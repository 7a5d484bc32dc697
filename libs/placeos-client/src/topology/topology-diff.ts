import type { PlaceModule } from '../model/place-models';
import { resolvedModuleName } from '../model/place-models';
import type { Topology } from '../model/topology';
import type { TopologyChange } from '../model/topology-change';

/** Models compared between two yields of diffTopologySteps. */
const MODELS_PER_STEP = 100;

/**
 * The typed differences between two snapshots: by id, `updated_at`, system `version`, and the
 * content that moves topics (zones, module order, resolved names).
 */
export function diffTopology(previous: Topology, current: Topology): TopologyChange[] {
  const steps = diffTopologySteps(previous, current);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * diffTopology() in steps: the generator yields after every few hundred models, so a caller
 * can give the event loop a turn in between (a large portfolio's diff takes a while, and a
 * topology poll must not hold up the state stream). Returns the changes.
 */
export function* diffTopologySteps(
  previous: Topology,
  current: Topology,
): Generator<void, TopologyChange[]> {
  const changes: TopologyChange[] = [];
  if (previous === current) return changes;
  const before = yield* indexUsage(previous);
  const after = yield* indexUsage(current);
  yield* diffSystems(previous, current, changes);
  yield* diffModules(previous, current, before.modules, after.modules, changes);
  diffSimple(previous.zones, current.zones, 'zone', before.zones, after.zones, changes);
  diffSimple(previous.drivers, current.drivers, 'driver', before.drivers, after.drivers, changes);
  return changes;
}

function* diffSystems(
  previous: Topology,
  current: Topology,
  changes: TopologyChange[],
): Generator<void> {
  for (const id of previous.systems.keys()) {
    if (!current.systems.has(id)) changes.push({ kind: 'system-removed', id, systemIds: [id] });
  }
  let compared = 0;
  for (const [id, after] of current.systems) {
    if (++compared % MODELS_PER_STEP === 0) yield;
    const before = previous.systems.get(id);
    if (!before) {
      changes.push({ kind: 'system-added', id, systemIds: [id] });
      continue;
    }
    // The same object: read from a page that had not changed.
    if (before === after) continue;
    if (!sameList(before.zones, after.zones)) {
      changes.push({ kind: 'system-rezoned', id, systemIds: [id] });
    }
    const beforeModules = new Set(before.modules);
    const afterModules = new Set(after.modules);
    for (const moduleId of after.modules) {
      if (!beforeModules.has(moduleId)) {
        changes.push({ kind: 'module-added', id: moduleId, systemIds: [id] });
      }
    }
    for (const moduleId of before.modules) {
      if (!afterModules.has(moduleId)) {
        changes.push({ kind: 'module-removed', id: moduleId, systemIds: [id] });
      }
    }
    const keptBefore = before.modules.filter((m) => afterModules.has(m));
    const keptAfter = after.modules.filter((m) => beforeModules.has(m));
    if (!sameList(keptBefore, keptAfter)) {
      changes.push({ kind: 'modules-reordered', id, systemIds: [id] });
    }
    if (
      before.name !== after.name ||
      before.version !== after.version ||
      before.updatedAt !== after.updatedAt ||
      rawText(before) !== rawText(after)
    ) {
      changes.push({ kind: 'system-changed', id, systemIds: [id] });
    }
  }
}

function* diffModules(
  previous: Topology,
  current: Topology,
  usedBefore: Usage,
  usedAfter: Usage,
  changes: TopologyChange[],
): Generator<void> {
  let compared = 0;
  for (const [id, after] of current.modules) {
    if (++compared % MODELS_PER_STEP === 0) yield;
    const before = previous.modules.get(id);
    if (!before) continue; // reported as module-added by the systems that list it
    if (before === after) continue;
    const systemIds = union(usedBefore.get(id), usedAfter.get(id));
    if (resolvedModuleName(before) !== resolvedModuleName(after)) {
      changes.push({ kind: 'module-renamed', id, systemIds });
    } else if (moduleChanged(before, after)) {
      changes.push({ kind: 'module-changed', id, systemIds });
    }
  }
}

/**
 * A module saved in PlaceOS (new `updated_at`) or moved to another driver. Its JSON is not
 * compared: it carries live fields (rest-api computes `connected` from the module's status on
 * every request), modules are not published as models, and comparing tens of thousands of them
 * on every poll would stall the event loop for nothing.
 */
function moduleChanged(before: PlaceModule, after: PlaceModule): boolean {
  return before.driverId !== after.driverId || before.updatedAt !== after.updatedAt;
}

interface Model {
  id: string;
  updatedAt: number;
  raw: unknown;
}

function diffSimple(
  before: ReadonlyMap<string, Model>,
  after: ReadonlyMap<string, Model>,
  kind: 'zone' | 'driver',
  usedBefore: Usage,
  usedAfter: Usage,
  changes: TopologyChange[],
): void {
  for (const id of before.keys()) {
    if (!after.has(id)) {
      changes.push({ kind: `${kind}-removed`, id, systemIds: union(usedBefore.get(id)) });
    }
  }
  for (const [id, model] of after) {
    const old = before.get(id);
    if (!old) {
      changes.push({ kind: `${kind}-added`, id, systemIds: union(usedAfter.get(id)) });
    } else if (
      old !== model &&
      (old.updatedAt !== model.updatedAt || rawText(old) !== rawText(model))
    ) {
      changes.push({
        kind: `${kind}-changed`,
        id,
        systemIds: union(usedBefore.get(id), usedAfter.get(id)),
      });
    }
  }
}

/**
 * A model's JSON text, worked out once per model object: each poll's models are compared as
 * "after" and then, at the next poll, as "before".
 */
const rawTexts = new WeakMap<object, string>();
function rawText(model: Model): string {
  let text = rawTexts.get(model);
  if (text === undefined) {
    text = JSON.stringify(model.raw);
    rawTexts.set(model, text);
  }
  return text;
}

/** Model id -> ids of the systems that use it. */
type Usage = Map<string, Set<string>>;
type UsageIndex = { modules: Usage; zones: Usage; drivers: Usage };

/** The usage index of a topology, built once: each snapshot is diffed as "after", then "before". */
const usageIndexes = new WeakMap<Topology, UsageIndex>();
function* indexUsage(topology: Topology): Generator<void, UsageIndex> {
  let index = usageIndexes.get(topology);
  if (index === undefined) {
    index = yield* buildUsageIndex(topology);
    usageIndexes.set(topology, index);
  }
  return index;
}

function* buildUsageIndex(topology: Topology): Generator<void, UsageIndex> {
  const modules: Usage = new Map();
  const zones: Usage = new Map();
  const drivers: Usage = new Map();
  const add = (usage: Usage, id: string, systemId: string): void => {
    const systems = usage.get(id);
    if (systems) systems.add(systemId);
    else usage.set(id, new Set([systemId]));
  };
  let indexed = 0;
  for (const system of topology.systems.values()) {
    if (++indexed % MODELS_PER_STEP === 0) yield;
    for (const moduleId of system.modules) {
      add(modules, moduleId, system.id);
      const driverId = topology.modules.get(moduleId)?.driverId;
      if (driverId) add(drivers, driverId, system.id);
    }
    for (const zoneId of system.zones) add(zones, zoneId, system.id);
  }
  return { modules, zones, drivers };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function union(a?: Set<string>, b?: Set<string>): string[] {
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}
