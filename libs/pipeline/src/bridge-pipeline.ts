import type { JsonValue, StateChange, Topology, TopologyUpdate } from '@app/placeos-client';
import type { BridgeMetrics } from '@app/observability';
import type { AppliedRule, RuleSet, SubjectSet } from '@app/privacy';
import type { TopicMapper } from '@app/topics';
import type { Logger } from 'pino';
import type { BrokerTarget } from './broker-target';
import type { DeliveryPlanner } from './delivery-planner';
import type { DeliverySink } from './delivery-sink';
import type { DeliveryLedger } from './delivery-ledger';
import { analyseImpact, type BrokerImpact } from './impact-analysis';
import { MetadataClock } from './metadata-clock';
import type { Delivery, OutgoingMessage } from './outgoing-message';
import { StateProjection } from './state-projection';
import type { SlotRef, StateStore } from './state-store';

/** What an event handler returns: the messages, and whether unchanged ones may be skipped. */
export interface OutgoingBatch {
  messages: OutgoingMessage[];
  /** True for resyncs and re-publications: a broker that holds the same value is left alone. */
  skipUnchanged: boolean;
}

/** The batch after privacy filtering: one delivery per message and broker. */
export interface DeliveryBatch {
  deliveries: Delivery[];
  skipUnchanged: boolean;
}

/** What a broker would receive for a message (the admin API's preview). */
export interface BrokerPreview {
  broker: string;
  topic: string;
  payload: string | null;
  dropped: boolean;
  refused?: string;
  applied: AppliedRule[];
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
const INVALID_JSON_LOG_INTERVAL_MS = 60_000;

/**
 * The bridge's core, free of Nest: maps state changes and topology updates to messages,
 * re-publishes current state when rules change or a broker reconnects, and previews.
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

  constructor(private readonly parts: BridgePipelineParts) {
    this.projection = new StateProjection(parts.mapper, parts.store);
    this.now = parts.now ?? Date.now;
    this.ownsMetadata = parts.ownsMetadata ?? (() => true);
  }

  get planner(): DeliveryPlanner {
    return this.parts.planner;
  }

  /** A live or resynced status value: store it under its slot and map it to its topic. */
  onStateChange(change: StateChange): OutgoingBatch {
    const { metrics, store } = this.parts;
    metrics.stateEvents.inc({ kind: change.resync ? 'resync' : 'live' });
    if (change.invalidJson) this.noteInvalidJson(change);
    const slot = { systemId: change.systemId, moduleName: change.moduleName, index: change.index };
    const topology = this.parts.topology();
    if (change.removed) {
      // Computed while the store still holds the key: the topic that stops existing.
      const gone = this.projection.topic(topology, slot, change.key);
      store.remove(slot, change.key);
      return {
        messages: gone === undefined ? [] : [{ kind: 'clear', topic: gone }],
        skipUnchanged: true,
      };
    }
    store.apply(slot, change);
    const topic = this.projection.topic(topology, slot, change.key);
    if (topic === undefined) {
      // Kept in the store: a topology poll that learns the slot publishes it then.
      this.noteUnmapped(topology, slot);
      return { messages: [], skipUnchanged: true };
    }
    return {
      messages: [{ kind: 'state', topic, value: change.value, time: change.receivedAt }],
      skipUnchanged: change.resync,
    };
  }

  /**
   * A topology change: clear every retained topic that no longer exists (rename, re-order,
   * re-zone, removal), publish stored values at the topics that appeared, and publish or clear
   * metadata for models that changed, appeared or went away. The topology is the whole
   * portfolio, so a metadata topic is cleared only when no system anywhere uses its model.
   */
  onTopologyUpdate(update: TopologyUpdate): OutgoingBatch {
    const { mapper, store } = this.parts;
    const messages: OutgoingMessage[] = [];
    const before = this.projection.topics(update.previous);
    const after = this.projection.topics(update.current);
    for (const topic of before.keys()) {
      if (!after.has(topic)) messages.push({ kind: 'clear', topic });
    }
    for (const [topic, ref] of after) {
      if (before.has(topic)) continue;
      const message = this.projection.message(topic, ref);
      if (message) messages.push(message);
    }
    const metaBefore = mapper.metadata(update.previous);
    const metaAfter = mapper.metadata(update.current);
    const now = this.now();
    for (const [topic, entry] of metaAfter) {
      if (!this.ownsMetadata(topic)) continue;
      const { time, changed } = this.metadataClock.observe(topic, entry.model, now);
      if (changed || !metaBefore.has(topic)) {
        messages.push({ kind: 'metadata', topic, value: entry.model, time });
      }
    }
    for (const topic of metaBefore.keys()) {
      if (metaAfter.has(topic) || !this.ownsMetadata(topic)) continue;
      this.metadataClock.forget(topic);
      messages.push({ kind: 'clear', topic });
    }
    // Slots that no longer exist are forgotten; PlaceOS re-sends values if they come back.
    const current = update.current;
    store.prune((slot) => current.slot(slot.systemId, slot.moduleName, slot.index) !== undefined);
    for (const systemId of this.systemsWithoutOrg) {
      if (!current.systems.has(systemId)) this.systemsWithoutOrg.delete(systemId);
    }
    return { messages, skipUnchanged: true };
  }

  /** The privacy step: one delivery per message and broker. */
  plan(batch: OutgoingBatch): DeliveryBatch {
    const deliveries: Delivery[] = [];
    for (const message of batch.messages) deliveries.push(...this.parts.planner.plan(message));
    return { deliveries, skipUnchanged: batch.skipUnchanged };
  }

  /** The publishing step. */
  deliver(batch: DeliveryBatch): void {
    this.parts.sink.deliver(batch.deliveries, batch.skipUnchanged);
  }

  /** Every message the brokers should hold now: all stored state and all metadata. */
  *currentMessages(): Generator<OutgoingMessage> {
    const topology = this.parts.topology();
    const now = this.now();
    for (const entry of this.parts.mapper.metadata(topology).values()) {
      if (!this.ownsMetadata(entry.topic)) continue;
      const { time } = this.metadataClock.observe(entry.topic, entry.model, now);
      yield { kind: 'metadata', topic: entry.topic, value: entry.model, time };
    }
    for (const [topic, ref] of this.projection.topics(topology)) {
      const message = this.projection.message(topic, ref);
      if (message) yield message;
    }
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
    for (const message of this.currentMessages()) {
      chunk.push(...this.parts.planner.plan(message, targets));
      planned++;
      if (chunk.length >= REPUBLISH_CHUNK) {
        this.parts.sink.deliver(chunk, true, options.resync);
        chunk = [];
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    this.parts.sink.deliver(chunk, true, options.resync);
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
  preview(topic: string, value: JsonValue, ruleSet: RuleSet): BrokerPreview[] {
    const message: OutgoingMessage = { kind: 'state', topic, value, time: this.now() };
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
      const time = this.metadataClock.peek(entry.topic, entry.model, now);
      yield { kind: 'metadata', topic: entry.topic, value: entry.model, time };
    }
    yield* this.projection.messages(topology);
  }

  private selectTargets(ids?: readonly string[]): BrokerTarget[] {
    const all = this.parts.planner.brokers;
    return ids ? all.filter((t) => ids.includes(t.id)) : [...all];
  }

  private noteUnmapped(topology: Topology, slot: SlotRef): void {
    const known = topology.slot(slot.systemId, slot.moduleName, slot.index) !== undefined;
    if (!known) {
      this.parts.metrics.unmapped.inc({ reason: 'unknown_module' });
      return;
    }
    this.parts.metrics.unmapped.inc({ reason: 'no_org' });
    if (this.systemsWithoutOrg.has(slot.systemId)) return;
    this.systemsWithoutOrg.add(slot.systemId);
    this.parts.logger.warn(
      { systemId: slot.systemId },
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
