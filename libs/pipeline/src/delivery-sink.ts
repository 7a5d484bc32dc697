import type { BridgeMetrics } from '@app/observability';
import type { Logger } from 'pino';
import type { DeliveryLedger } from './delivery-ledger';
import type { Delivery } from './outgoing-message';

/** The part of a broker connection the sink needs (BrokerConnection implements it). */
export interface DeliveryConnection {
  readonly id: string;
  /** Whether the broker is connected (a paced re-publication stops when it is not). */
  readonly online?: boolean;
  /** Messages queued and not yet sent. */
  readonly backlog?: number;
  /** Calls `listener` once the backlog is at most `threshold`; returns a canceller. */
  whenBacklogAtMost?(threshold: number, listener: () => void): () => void;
  publish(topic: string, payload: string | Buffer): SendOutcome;
  /** State re-sent after a reconnect: paced behind live changes (publish when absent). */
  publishResync?(topic: string, payload: string | Buffer): SendOutcome;
  clear(topic: string): SendOutcome;
}

/** `later`: refused for now (a full outbox), worth sending again once the broker has room. */
export type SendOutcome = 'queued' | { refused: string; later?: boolean };

const REFUSAL_LOG_INTERVAL_MS = 60_000;
const ROOM_RECHECK_MS = 1_000;

/**
 * Counts of one deliver() call, added to the metrics once per call: a batch of thousands of
 * deliveries costs a handful of label lookups, not thousands.
 */
class Tally {
  private readonly counts = new Map<string, Map<string, number>>();

  add(metric: string, labels: string, by = 1): void {
    let byLabels = this.counts.get(metric);
    if (!byLabels) {
      byLabels = new Map();
      this.counts.set(metric, byLabels);
    }
    byLabels.set(labels, (byLabels.get(labels) ?? 0) + by);
  }

  entries(metric: string): IterableIterator<[string, number]> | [] {
    return this.counts.get(metric)?.entries() ?? [];
  }
}

const LABEL_SEPARATOR = '\u0000';

/**
 * Hands planned deliveries to broker connections and keeps the ledger of what each broker
 * holds, so a drop clears only what is there and an unchanged re-publication is skipped.
 */
export class DeliverySink {
  private readonly lastRefusalLog = new Map<string, number>();
  private overflowListener?: (brokerId: string) => void;

  constructor(
    private readonly connections: ReadonlyMap<string, DeliveryConnection>,
    private readonly ledger: DeliveryLedger,
    private readonly metrics: BridgeMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Calls `listener` after a deliver() in which a broker refused messages it may take later
   * (its outbox overflowed): once per call and broker.
   */
  onOverflow(listener: (brokerId: string) => void): void {
    this.overflowListener = listener;
  }

  /** `resync`: the state re-sent after a broker reconnect, which must not hold up live changes. */
  deliver(deliveries: readonly Delivery[], resync = false): void {
    if (deliveries.length === 0) return;
    const tally = new Tally();
    for (const delivery of deliveries) this.deliverOne(delivery, resync, tally);
    this.record(tally);
    const listener = this.overflowListener;
    if (listener) for (const [brokerId] of tally.entries('overflowed')) listener(brokerId);
  }

  private deliverOne(delivery: Delivery, resync: boolean, tally: Tally): void {
    const connection = this.connections.get(delivery.brokerId);
    if (!connection) return;
    const { brokerId, topicKey } = delivery;
    for (const rule of delivery.applied) {
      tally.add('ruleHits', rule.name + LABEL_SEPARATOR + rule.action);
    }
    if (delivery.dropped) {
      tally.add('droppedByRule', brokerId);
      if (this.ledger.mayHoldValue(brokerId, topicKey)) {
        this.send(connection, delivery, null, 'clear', false, tally);
      }
      this.ledger.recordDropped(brokerId, topicKey);
      return;
    }
    if (delivery.payload === null) {
      this.send(connection, delivery, null, 'clear', false, tally);
      this.ledger.recordCleared(brokerId, topicKey);
      return;
    }
    if (delivery.skipIfHeld && this.ledger.holds(brokerId, topicKey, delivery.digest)) {
      tally.add('unchangedSkipped', brokerId);
      return;
    }
    if (delivery.applied.length > 0) tally.add('filtered', brokerId);
    if (this.send(connection, delivery, delivery.payload, delivery.kind, resync, tally)) {
      this.ledger.recordPublished(brokerId, topicKey, delivery.digest);
    }
  }

  private send(
    connection: DeliveryConnection,
    delivery: Delivery,
    payload: string | null,
    kind: string,
    resync: boolean,
    tally: Tally,
  ): boolean {
    const outcome =
      payload === null
        ? connection.clear(delivery.topic)
        : resync && connection.publishResync
          ? connection.publishResync(delivery.topic, payload)
          : connection.publish(delivery.topic, payload);
    if (outcome === 'queued') {
      tally.add('published', connection.id + LABEL_SEPARATOR + kind);
      return true;
    }
    if (outcome.later) tally.add('overflowed', connection.id);
    this.logRefusal(connection.id, outcome.refused);
    return false;
  }

  private record(tally: Tally): void {
    const { metrics } = this;
    for (const [labels, count] of tally.entries('published')) {
      const [broker, kind] = labels.split(LABEL_SEPARATOR);
      metrics.published.inc({ broker, kind }, count);
    }
    for (const [labels, count] of tally.entries('ruleHits')) {
      const [rule, action] = labels.split(LABEL_SEPARATOR);
      metrics.ruleHits.inc({ rule, action }, count);
    }
    for (const [broker, count] of tally.entries('droppedByRule')) {
      metrics.droppedByRule.inc({ broker }, count);
    }
    for (const [broker, count] of tally.entries('unchangedSkipped')) {
      metrics.unchangedSkipped.inc({ broker }, count);
    }
    for (const [broker, count] of tally.entries('filtered')) {
      metrics.filtered.inc({ broker }, count);
    }
  }

  /**
   * Waits until each given broker has room (a backlog of at most `threshold`) and resolves with
   * the ones still connected: a broker that is offline gets everything again when it is back,
   * so a re-publication goes on without it. Connections that cannot tell have room.
   */
  async whenRoom(brokerIds: readonly string[], threshold: number): Promise<string[]> {
    const online: string[] = [];
    for (const id of brokerIds) {
      const connection = this.connections.get(id);
      if (await this.roomOn(connection, threshold)) online.push(id);
    }
    return online;
  }

  private async roomOn(
    connection: DeliveryConnection | undefined,
    threshold: number,
  ): Promise<boolean> {
    if (!connection?.whenBacklogAtMost) return true;
    for (;;) {
      if (connection.online === false) return false;
      if ((connection.backlog ?? 0) <= threshold) return true;
      // Checked again now and then: a broker that went away never drains.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ROOM_RECHECK_MS);
        const cancel = connection.whenBacklogAtMost?.(threshold, done);
        function done(): void {
          clearTimeout(timer);
          cancel?.();
          resolve();
        }
      });
    }
  }

  private logRefusal(brokerId: string, reason: string): void {
    // The topic is not logged: it can carry names that privacy rules protect.
    const now = Date.now();
    const last = this.lastRefusalLog.get(brokerId) ?? 0;
    if (now - last < REFUSAL_LOG_INTERVAL_MS) return;
    this.lastRefusalLog.set(brokerId, now);
    this.logger.warn({ broker: brokerId, reason }, 'broker refused a message (limits)');
  }
}
