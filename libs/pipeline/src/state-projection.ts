import type { Topology } from '@app/placeos-client';
import { encodeTopicLevel, stateTopic, type TopicMapper } from '@app/topics';
import type { OutgoingMessage } from './outgoing-message';
import type { SlotRef, SlotState, StateStore } from './state-store';

/** The key that stands for "every key" when a slot's topic prefix is derived from a topic. */
const PROBE_KEY = 'k';

/**
 * Projects the stored state onto a topology: every stored key of a slot the topology publishes
 * has the topic `<slot prefix><encoded key>`, where the prefix (org, levels, system, driver,
 * module, index) is the same for all of the slot's keys and is worked out once per slot and
 * topology. Comparing a slot's prefix under two topologies tells whether its retained topics
 * moved (rename, re-order, re-zone, removal).
 */
export class StateProjection {
  constructor(
    private readonly mapper: TopicMapper,
    private readonly store: StateStore,
  ) {}

  /**
   * `placeos/…/<sys>/<drv>/<mod>/<idx>/` for a slot in a topology, or null when the topology
   * does not publish it (no org zone, unknown slot). Cached on the slot for one topology.
   */
  prefixOf(topology: Topology, state: SlotState): string | null {
    if (state.prefixTopology === topology) return state.topicPrefix;
    const prefix = this.uncachedPrefix(topology, state.slot);
    state.prefixTopology = topology;
    state.topicPrefix = prefix;
    return prefix;
  }

  /** prefixOf() for a topology other than the one the slot caches (the previous one). */
  uncachedPrefix(topology: Topology, slot: SlotRef): string | null {
    const placement = this.mapper.placement(topology, slot.systemId);
    if (!placement) return null;
    const moduleId = topology.slot(slot.systemId, slot.moduleName, slot.index)?.moduleId;
    const module = moduleId === undefined ? undefined : topology.modules.get(moduleId);
    if (!module) return null;
    const probe = stateTopic({
      org: placement.org,
      levels: placement.levels,
      systemId: slot.systemId,
      driverId: module.driverId,
      moduleName: slot.moduleName,
      index: slot.index,
      key: PROBE_KEY,
    });
    return probe.slice(0, probe.length - PROBE_KEY.length);
  }

  /**
   * The state message of every stored key of every slot the topology publishes, marked as a
   * re-publication (a broker that holds the value is left alone).
   */
  *messages(topology: Topology): Generator<OutgoingMessage> {
    for (const state of this.store.slotStates()) {
      const prefix = this.prefixOf(topology, state);
      if (prefix === null) continue;
      for (let position = 0; position < state.size; position++) {
        yield {
          kind: 'state',
          topic: prefix + encodeTopicLevel(state.key(position)),
          json: state.json(position),
          time: state.receivedAt(position),
          skipIfHeld: true,
        };
      }
    }
  }
}
