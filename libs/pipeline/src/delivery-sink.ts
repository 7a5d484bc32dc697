import type { BridgeMetrics } from '@app/observability';
import type { Logger } from 'pino';
import type { DeliveryLedger } from './delivery-ledger';
import type { Delivery } from './outgoing-message';

/** The part of a broker connection the sink needs (BrokerConnection implements it). */
export interface DeliveryConnection {
  readonly id: string;
  publish(topic: string, payload: string | Buffer): 'queued' | { refused: string };
  /** State re-sent after a reconnect: paced behind live changes (publish when absent). */
  publishResync?(topic: string, payload: string | Buffer): 'queued' | { refused: string };
  clear(topic: string): 'queued' | { refused: string };
}

const REFUSAL_LOG_INTERVAL_MS = 60_000;

/**
 * Hands planned deliveries to broker connections and keeps the ledger of what each broker
 * holds, so a drop clears only what is there and an unchanged re-publication is skipped.
 */
export class DeliverySink {
  private readonly lastRefusalLog = new Map<string, number>();

  constructor(
    private readonly connections: ReadonlyMap<string, DeliveryConnection>,
    private readonly ledger: DeliveryLedger,
    private readonly metrics: BridgeMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * `skipUnchanged`: leave topics alone whose broker already holds the same value. `resync`:
   * the state re-sent after a broker reconnect, which must not hold up live changes.
   */
  deliver(deliveries: readonly Delivery[], skipUnchanged = false, resync = false): void {
    for (const delivery of deliveries) this.deliverOne(delivery, skipUnchanged, resync);
  }

  private deliverOne(delivery: Delivery, skipUnchanged: boolean, resync: boolean): void {
    const connection = this.connections.get(delivery.brokerId);
    if (!connection) return;
    const { brokerId, canonicalTopic } = delivery;
    for (const rule of delivery.applied) {
      this.metrics.ruleHits.inc({ rule: rule.name, action: rule.action });
    }
    if (delivery.dropped) {
      this.metrics.droppedByRule.inc({ broker: brokerId });
      if (this.ledger.mayHoldValue(brokerId, canonicalTopic)) {
        this.send(connection, delivery, null, 'clear');
      }
      this.ledger.recordDropped(brokerId, canonicalTopic);
      return;
    }
    if (delivery.payload === null) {
      this.send(connection, delivery, null, 'clear');
      this.ledger.recordCleared(brokerId, canonicalTopic);
      return;
    }
    if (skipUnchanged && this.ledger.holds(brokerId, canonicalTopic, delivery.digest)) {
      this.metrics.unchangedSkipped.inc({ broker: brokerId });
      return;
    }
    if (delivery.applied.length > 0) this.metrics.filtered.inc({ broker: brokerId });
    if (this.send(connection, delivery, delivery.payload, delivery.kind, resync)) {
      this.ledger.recordPublished(brokerId, canonicalTopic, delivery.digest);
    }
  }

  private send(
    connection: DeliveryConnection,
    delivery: Delivery,
    payload: string | null,
    kind: string,
    resync = false,
  ): boolean {
    const outcome =
      payload === null
        ? connection.clear(delivery.topic)
        : resync && connection.publishResync
          ? connection.publishResync(delivery.topic, payload)
          : connection.publish(delivery.topic, payload);
    if (outcome === 'queued') {
      this.metrics.published.inc({ broker: connection.id, kind });
      return true;
    }
    this.logRefusal(connection.id, outcome.refused);
    return false;
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
