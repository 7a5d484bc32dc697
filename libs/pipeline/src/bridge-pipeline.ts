import type { StateChange, Topology, TopologyUpdate } from '@app/placeos-client';
import type { BridgeMetrics } from '@app/observability';
import type { AppliedRule, RuleSet, SubjectSet } from '@app/privacy';
import { encodeTopicLevel, jsonTextOfValue, type TopicMapper } from '@app/topics';
import type { Logger } from 'pino';
import type { BrokerTarget } from './broker-target';
import type { DeliveryPlanner } from './delivery-planner';
import type { DeliverySink } from './delivery-sink';
import type { DeliveryLedger } from './delivery-ledger';
import { analyseImpact, type BrokerImpact } from './impact-analysis';
import { MetadataClock } from './metadata-clock';
import type { Delivery, OutgoingMessage } from './outgoing-message';
import { StateProjection } from './state-projection';
import type { SlotState, StateStore } from './state-store';
import { topologyImpact } from './topology-impact';

/** What an event handler returns: the messages its event implies. */
export interface OutgoingBatch {
  messages: OutgoingMessage[];
}

/** The batch after privacy filtering: one delivery per message and broker. */
export interface DeliveryBatch {
  deliveries: Delivery[];
}

/** What a broker would receive for a message (the admin API's preview). */
export interface BrokerPreview {
  broker: string;
  topic: string;
  payload: string | null;
  dropped: boolean;
  refused?: string;
  applied: readonly AppliedRule[];
}

export interface BridgePipelineParts {
  mapper: TopicMapper;
  store: StateStore;
  ledger: DeliveryLedger;
  planner: DeliveryPlanner;
  sink: DeliverySink;
  metrics: BridgeMetrics;
  logger: Logger;
  /** The current topology (the PlaceOS client's): the whole portfolio, even when sharded. */
  topology: () => Topology;
  /**
   * Whether this replica publishes (and clears) a metadata topic. Replicas split metadata by a
   * stable hash of the topic, so each is published by exactly one of them. Default: all.
   */
  ownsMetadata?: (topic: string) => boolean;
  now?: () => number;
}

/** How many messages a re-publication plans before yielding to the event loop. */
const REPUBLISH_CHUNK = 2000;
/** The backlog a re-publication lets each broker reach before it waits for room. */
const REPUBLISH_BACKLOG = 10_000;
const INVALID_JSON_LOG_INTERVAL_MS = 60_000;

/**
 * The bridge's core, free of Nest: maps batches of state changes and topology updates to
 * messages, re-publishes current state when rules change or a broker reconnects, and previews.
 * Nest event handlers and interceptors call into it (see the nest/ folder).
 */
export class BridgePipeline {
  private readonly projection: StateProjection;
  private readonly metadataClock = new MetadataClock();
  private readonly systemsWithoutOrg = new Set<string>();
  private lastInvalidJsonLog = 0;
  private lastEventErrorLog = 0;
  private readonly now: () => number;
  private readonly ownsMetadata: (topic: string) => boolean;
  /** Brokers being caught up after an overflow: true when one overflowed again meanwhile. */
  private readonly catchingUp = new Map<string, boolean>();

  constructor(private readonly parts: BridgePipelineParts) {
    this.projection = new StateProjection(parts.mapper, parts.store);
    this.now = parts.now ?? Date.now;
    this.ownsMetadata = parts.ownsMetadata ?? (() => true);
    parts.sink.onOverflow((brokerId) => this.catchUp(brokerId));
  }

  get planner(): DeliveryPlanner {
    return this.parts.planner;
  }

  /**
   * Live or resynced status values, in the order received: each is stored under its slot and
   * mapped to its topic (a string concatenation once the slot's prefix is known). A resynced
   * value (the one PlaceOS sends after a bind) is left alone on a broker that holds it.
   */
  onStateChanges(changes: readonly StateChange[]): OutgoingBatch {
    const { store } = this.parts;
    const topology = this.parts.topology();
    const messages: OutgoingMessage[] = [];
    let live = 0;
    for (const change of changes) {
      if (!change.resync) live++;
      if (change.invalidJson) this.noteInvalidJson(change);
      const state = store.slotOf(change.systemId, change.moduleName, change.index);
      const prefix = this.projection.prefixOf(topology, state);
      if (change.removed) {
        // The topic that stops existing; the store forgets the key.
        store.remove(state, change.key);
        if (prefix !== null) {
          messages.push({ kind: 'clear', topic: prefix + encodeTopicLevel(change.key) });
        }
        continue;
      }
      store.set(state, change.key, change.json, change.receivedAt);
      if (prefix === null) {
        // Kept in the store: a topology poll that learns the slot publishes it then.
        this.noteUnmapped(topology, state.slot.systemId, change);
        continue;
      }
      messages.push({
        kind: 'state',
        topic: prefix + encodeTopicLevel(change.key),
        json: change.json,
        time: change.receivedAt,
        skipIfHeld: change.resync,
      });
    }
    const { stateEvents } = this.parts.metrics;
    if (live > 0) stateEvents.inc({ kind: 'live' }, live);
    if (changes.length > live) stateEvents.inc({ kind: 'resync' }, changes.length - live);
    return { messages };
  }

  /**
   * A topology change: clear every retained topic that no longer exists (rename, re-order,
   * re-zone, removal), publish stored values at the topics that appeared, and publish or clear
   * metadata for models that changed, appeared or went away. The topology is the whole
   * portfolio, so a metadata topic is cleared only when no system anywhere uses its model.
   */
  onTopologyUpdate(update: TopologyUpdate): OutgoingBatch {
    const { store } = this.parts;
    const messages: OutgoingMessage[] = [];
    const impact = topologyImpact(update);
    // A slot's topics are its prefix plus each key, and prefixes are unique per slot, so a
    // topic moved exactly when its slot's prefix changed; only affected systems' can have.
    for (const systemId of impact.systems) {
      for (const state of store.slotStatesOf(systemId)) this.moveSlot(update, state, messages);
    }
    // Every other slot keeps its prefix under the new topology.
    for (const state of store.slotStates()) {
      if (state.prefixTopology === update.previous) state.prefixTopology = update.current;
    }
    if (impact.metadata) this.moveMetadata(update, messages);
    // Slots that no longer exist are forgotten; PlaceOS re-sends values if they come back.
    const current = update.current;
    store.prune(
      impact.systems,
      (slot) => current.slot(slot.systemId, slot.moduleName, slot.index) !== undefined,
    );
    for (const systemId of this.systemsWithoutOrg) {
      if (!current.systems.has(systemId)) this.systemsWithoutOrg.delete(systemId);
    }
    return { messages };
  }

  /** Clears a slot's topics under the previous topology and publishes them under the current. */
  private moveSlot(update: TopologyUpdate, state: SlotState, messages: OutgoingMessage[]): void {
    const before =
      state.prefixTopology === update.previous
        ? state.topicPrefix
        : this.projection.uncachedPrefix(update.previous, state.slot);
    const after = this.projection.prefixOf(update.current, state);
    if (before === after) return;
    for (let position = 0; position < state.size; position++) {
      const key = encodeTopicLevel(state.key(position));
      if (before !== null) messages.push({ kind: 'clear', topic: before + key });
      if (after !== null) {
        messages.push({
          kind: 'state',
          topic: after + key,
          json: state.json(position),
          time: state.receivedAt(position),
          skipIfHeld: true,
        });
      }
    }
  }

  /**
   * Publishes metadata for models that changed or appeared, and clears it for models no system
   * of the portfolio uses any more.
   */
  private moveMetadata(update: TopologyUpdate, messages: OutgoingMessage[]): void {
    const { mapper } = this.parts;
    const metaBefore = mapper.metadata(update.previous);
    const metaAfter = mapper.metadata(update.current);
    const now = this.now();
    for (const [topic, entry] of metaAfter) {
      if (!this.ownsMetadata(topic)) continue;
      const { time, changed, json } = this.metadataClock.observe(topic, entry.model, now);
      if (changed || !metaBefore.has(topic)) {
        messages.push({ kind: 'metadata', topic, json, time, skipIfHeld: true });
      }
    }
    for (const topic of metaBefore.keys()) {
      if (metaAfter.has(topic) || !this.ownsMetadata(topic)) continue;
      this.metadataClock.forget(topic);
      messages.push({ kind: 'clear', topic });
    }
  }

  /** The privacy step: one delivery per message and broker. */
  plan(batch: OutgoingBatch): DeliveryBatch {
    const deliveries: Delivery[] = [];
    for (const message of batch.messages) this.parts.planner.plan(message, deliveries);
    return { deliveries };
  }

  /** The publishing step. */
  deliver(batch: DeliveryBatch): void {
    this.parts.sink.deliver(batch.deliveries);
  }

  /** Every message the brokers should hold now: all metadata and all stored state. */
  *currentMessages(): Generator<OutgoingMessage> {
    const topology = this.parts.topology();
    const now = this.now();
    for (const entry of this.parts.mapper.metadata(topology).values()) {
      if (!this.ownsMetadata(entry.topic)) continue;
      const { time, json } = this.metadataClock.observe(entry.topic, entry.model, now);
      yield { kind: 'metadata', topic: entry.topic, json, time, skipIfHeld: true };
    }
    yield* this.projection.messages(topology);
  }

  /**
   * Re-plans every current message for the given brokers (all by default) and delivers what
   * differs from what each holds. After a broker (re)connect its ledger is forgotten first, so
   * everything is sent again: a restarted broker may have lost its retained messages. `resync`
   * marks such a re-send, which brokers pace behind live changes.
   */
  async republish(
    options: { brokers?: readonly string[]; forget?: boolean; resync?: boolean } = {},
  ): Promise<number> {
    const targets = this.selectTargets(options.brokers);
    if (targets.length === 0) return 0;
    if (options.forget) for (const t of targets) this.parts.ledger.forgetBroker(t.id);
    let planned = 0;
    let chunk: Delivery[] = [];
    let sendTo = targets;
    for (const message of this.currentMessages()) {
      this.parts.planner.plan(message, chunk, sendTo);
      planned++;
      if (chunk.length >= REPUBLISH_CHUNK) {
        this.parts.sink.deliver(chunk, options.resync);
        chunk = [];
        await new Promise((resolve) => setImmediate(resolve));
        // The whole state goes out at the brokers' pace, not into their outboxes at once:
        // memory stays bounded and an outbox never fills up and refuses part of it. A broker
        // that went offline meanwhile gets all of it again when it is back.
        const online = await this.parts.sink.whenRoom(
          sendTo.map((t) => t.id),
          REPUBLISH_BACKLOG,
        );
        if (online.length < sendTo.length) sendTo = sendTo.filter((t) => online.includes(t.id));
        if (sendTo.length === 0) return planned;
      }
    }
    this.parts.sink.deliver(chunk, options.resync);
    return planned;
  }

  /** New rules: from now on every message is filtered by them, and retained copies are fixed. */
  async applyRules(ruleSet: RuleSet): Promise<number> {
    this.parts.planner.setRules(ruleSet);
    return this.republish();
  }

  /**
   * New rules and data subjects together (one reload of the store): from now on every message
   * is filtered by both, and retained copies are fixed.
   */
  async applyPrivacy(ruleSet: RuleSet, subjects: SubjectSet): Promise<number> {
    this.parts.planner.setRules(ruleSet);
    this.parts.planner.setSubjects(subjects);
    return this.republish();
  }

  /**
   * What saving `proposed` instead of the rules in effect would change on each broker, over the
   * current state of every topic. Read-only: nothing is published, and the metadata clock is
   * only peeked at. Yields to the event loop between chunks, so publishing goes on meanwhile.
   */
  impact(proposed: RuleSet): Promise<BrokerImpact[]> {
    return analyseImpact(this.messagesNow(), this.parts.planner, proposed);
  }

  /** What each broker would receive for `value` at canonical `topic` under `ruleSet`. */
  preview(topic: string, value: unknown, ruleSet: RuleSet): BrokerPreview[] {
    const message: OutgoingMessage = {
      kind: 'state',
      topic,
      json: jsonTextOfValue(value),
      time: this.now(),
    };
    return this.parts.planner.brokers.map((target) => {
      const delivery = this.parts.planner.planFor(message, target, ruleSet);
      return {
        broker: target.id,
        topic: delivery.topic,
        payload: delivery.payload,
        dropped: delivery.dropped,
        applied: delivery.applied,
      };
    });
  }

  /** An event handler failed: logged (rate-limited, without the value) and the stream goes on. */
  reportEventError(pattern: string, error: unknown): void {
    const now = this.now();
    if (now - this.lastEventErrorLog < INVALID_JSON_LOG_INTERVAL_MS) return;
    this.lastEventErrorLog = now;
    this.parts.logger.error({ err: error, pattern }, 'event processing failed; continuing');
  }

  /** currentMessages() without recording metadata versions (for read-only sweeps). */
  private *messagesNow(): Generator<OutgoingMessage> {
    const topology = this.parts.topology();
    const now = this.now();
    for (const entry of this.parts.mapper.metadata(topology).values()) {
      if (!this.ownsMetadata(entry.topic)) continue;
      const { time, json } = this.metadataClock.peek(entry.topic, entry.model, now);
      yield { kind: 'metadata', topic: entry.topic, json, time };
    }
    yield* this.projection.messages(topology);
  }

  /**
   * A broker's outbox overflowed and refused messages (a burst of more new topics than it may
   * hold): once it has room again, everything it does not hold is sent, so the burst loses
   * nothing in the end. The ledger knows what it holds; refused messages were never recorded.
   * A broker that went offline meanwhile gets everything on reconnect anyway.
   */
  private catchUp(brokerId: string): void {
    if (this.catchingUp.has(brokerId)) {
      this.catchingUp.set(brokerId, true);
      return;
    }
    this.catchingUp.set(brokerId, false);
    const run = async (): Promise<void> => {
      do {
        this.catchingUp.set(brokerId, false);
        // Drained, not just below the re-publication's mark: an outbox may hold fewer.
        const online = await this.parts.sink.whenRoom([brokerId], 0);
        if (online.length === 0) return;
        const sent = await this.republish({ brokers: [brokerId], resync: true });
        this.parts.logger.info(
          { broker: brokerId, planned: sent },
          'caught up a broker whose outbox overflowed',
        );
      } while (this.catchingUp.get(brokerId) === true);
    };
    run()
      .catch((error: unknown) =>
        this.parts.logger.error({ err: error, broker: brokerId }, 'catching up a broker failed'),
      )
      .finally(() => this.catchingUp.delete(brokerId));
  }

  private selectTargets(ids?: readonly string[]): BrokerTarget[] {
    const all = this.parts.planner.brokers;
    return ids ? all.filter((t) => ids.includes(t.id)) : [...all];
  }

  private noteUnmapped(topology: Topology, systemId: string, change: StateChange): void {
    const known = topology.slot(systemId, change.moduleName, change.index) !== undefined;
    if (!known) {
      this.parts.metrics.unmapped.inc({ reason: 'unknown_module' });
      return;
    }
    this.parts.metrics.unmapped.inc({ reason: 'no_org' });
    if (this.systemsWithoutOrg.has(systemId)) return;
    this.systemsWithoutOrg.add(systemId);
    this.parts.logger.warn(
      { systemId },
      'system has no org zone: its state is not published (as upstream)',
    );
  }

  private noteInvalidJson(change: StateChange): void {
    this.parts.metrics.invalidJson.inc();
    const now = this.now();
    if (now - this.lastInvalidJsonLog < INVALID_JSON_LOG_INTERVAL_MS) return;
    this.lastInvalidJsonLog = now;
    // The value itself is not logged: it may hold what privacy rules protect.
    this.parts.logger.warn(
      {
        systemId: change.systemId,
        module: change.moduleName,
        index: change.index,
        key: change.key,
      },
      'PlaceOS sent a status value that is not valid JSON; publishing it as a JSON string',
    );
  }
}
