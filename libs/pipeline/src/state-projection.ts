import type { Topology } from '@app/placeos-client';
import { encodeTopicLevel, stateTopic, type TopicMapper } from '@app/topics';
import type { OutgoingMessage } from './outgoing-message';
import type { SlotRef, StateStore } from './state-store';

/** Which stored status a state topic shows. */
export interface StateRef {
  slot: SlotRef;
  key: string;
}

/**
 * Projects the stored state onto a topology: the topic of every stored key of every slot the
 * topology knows. Diffing two projections tells which retained topics moved (rename,
 * re-order, re-zone, removal) and which appeared.
 */
export class StateProjection {
  constructor(
    private readonly mapper: TopicMapper,
    private readonly store: StateStore,
  ) {}

  /** The topic of one key of one slot, or undefined when it is not published (no org, unknown). */
  topic(topology: Topology, slot: SlotRef, key: string): string | undefined {
    const placement = this.mapper.placement(topology, slot.systemId);
    if (!placement) return undefined;
    const moduleId = topology.slot(slot.systemId, slot.moduleName, slot.index)?.moduleId;
    const module = moduleId === undefined ? undefined : topology.modules.get(moduleId);
    if (!module) return undefined;
    return stateTopic({
      org: placement.org,
      levels: placement.levels,
      systemId: slot.systemId,
      driverId: module.driverId,
      moduleName: slot.moduleName,
      index: slot.index,
      key,
    });
  }

  /** topic → the stored status it shows, for every stored key of every slot in the topology. */
  topics(topology: Topology): Map<string, StateRef> {
    const index = new Map<string, StateRef>();
    for (const [slot, keys] of this.store.entries()) {
      for (const key of keys.keys()) {
        const topic = this.topic(topology, slot, key);
        if (topic !== undefined) index.set(topic, { slot, key });
      }
    }
    return index;
  }

  /**
   * The state message of every stored key of every slot the topology knows, without building
   * the topic index: each slot's topic prefix is worked out once (a topic is its slot's prefix
   * plus the encoded key), which is most of the cost of a sweep over every topic.
   */
  *messages(topology: Topology): Generator<OutgoingMessage> {
    for (const [slot, keys] of this.store.entries()) {
      let prefix: string | undefined;
      for (const [key, stored] of keys) {
        let topic: string;
        if (prefix === undefined) {
          const first = this.topic(topology, slot, key);
          if (first === undefined) break;
          prefix = first.slice(0, first.length - encodeTopicLevel(key).length);
          topic = first;
        } else {
          topic = prefix + encodeTopicLevel(key);
        }
        yield { kind: 'state', topic, value: stored.value, time: stored.receivedAt };
      }
    }
  }

  /** The state message for a topic of the projection, from the stored value. */
  message(topic: string, ref: StateRef): OutgoingMessage | undefined {
    const stored = this.store.get(ref.slot, ref.key);
    if (!stored) return undefined;
    return { kind: 'state', topic, value: stored.value, time: stored.receivedAt };
  }
}
