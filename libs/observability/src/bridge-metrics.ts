import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { MirroredCounter } from './mirrored-counter';

/**
 * Every Prometheus metric of the bridge. Labels are bounded by configuration (broker ids,
 * rule names, fixed reasons): no topic, system id or value ever becomes a label. Counters end
 * in `_total`, units are in the names (`_seconds`, `_bytes`); deploy/grafana and
 * deploy/prometheus use these names (test/operator checks that each one they use exists).
 */
export class BridgeMetrics {
  readonly registry = new Registry();

  readonly stateEvents = new Counter({
    name: 'placeos_bridge_state_events_total',
    help: 'State changes received from PlaceOS (kind: live or resync)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly invalidJson = new Counter({
    name: 'placeos_bridge_invalid_json_total',
    help: 'State values PlaceOS sent that were not valid JSON (published as JSON strings)',
    registers: [this.registry],
  });
  readonly unmapped = new Counter({
    name: 'placeos_bridge_unmapped_total',
    help: 'State changes that map to no topic (reason: no_org = system without an org zone, unknown_module)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly published = new Counter({
    name: 'placeos_bridge_messages_published_total',
    help: 'Messages handed to a broker connection (kind: state, metadata, clear)',
    labelNames: ['broker', 'kind'] as const,
    registers: [this.registry],
  });
  readonly droppedByRule = new Counter({
    name: 'placeos_bridge_messages_dropped_by_rule_total',
    help: 'Messages a drop rule kept from a broker',
    labelNames: ['broker'] as const,
    registers: [this.registry],
  });
  readonly filtered = new Counter({
    name: 'placeos_bridge_messages_filtered_total',
    help: 'Messages whose value privacy rules changed before publishing',
    labelNames: ['broker'] as const,
    registers: [this.registry],
  });
  readonly unchangedSkipped = new Counter({
    name: 'placeos_bridge_republish_skipped_total',
    help: 'Re-publications skipped because the broker already holds the same payload',
    labelNames: ['broker'] as const,
    registers: [this.registry],
  });
  readonly ruleHits = new Counter({
    name: 'placeos_bridge_privacy_rule_hits_total',
    help: 'Messages a privacy rule matched, per rule and action',
    labelNames: ['rule', 'action'] as const,
    registers: [this.registry],
  });
  readonly handlerErrors = new Counter({
    name: 'placeos_bridge_event_errors_total',
    help: 'Events whose processing failed (logged; the stream goes on)',
    labelNames: ['pattern'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'placeos_bridge_event_processing_seconds',
    help: 'Time from receiving a state change to handing its messages to every broker connection',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  // Gauges and totals that other components own are read at scrape time.
  readonly brokerConnected = new Gauge({
    name: 'placeos_bridge_broker_connected',
    help: '1 when the broker connection is up',
    labelNames: ['broker'] as const,
    registers: [this.registry],
  });
  readonly brokerQueued = new Gauge({
    name: 'placeos_bridge_broker_buffered_messages',
    help: 'Messages waiting in the broker outbox (latest value per topic)',
    labelNames: ['broker'] as const,
    registers: [this.registry],
  });
  // Running totals that broker connections keep, exported as counters (see MirroredCounter).
  readonly brokerDelivered = new MirroredCounter({
    name: 'placeos_bridge_broker_delivered_messages_total',
    help: 'Messages the broker acknowledged (QoS 1/2) or that were written to the socket (QoS 0)',
    labelNames: ['broker'] as const,
    registers: [this.registry],
  });
  readonly brokerRefused = new MirroredCounter({
    name: 'placeos_bridge_broker_refused_messages_total',
    help: "Messages refused by the broker's limits, per reason (topic too long, payload too large, outbox full…)",
    labelNames: ['broker', 'reason'] as const,
    registers: [this.registry],
  });
  readonly brokerResyncPending = new Gauge({
    name: 'placeos_bridge_broker_resync_pending_messages',
    help: 'Messages of the re-sync after a (re)connect still waiting behind live changes',
    labelNames: ['broker'] as const,
    registers: [this.registry],
  });
  readonly brokerResyncSent = new MirroredCounter({
    name: 'placeos_bridge_broker_resync_sent_messages_total',
    help: 'Messages sent by re-syncs after a (re)connect',
    labelNames: ['broker'] as const,
    registers: [this.registry],
  });
  readonly brokerReconnects = new MirroredCounter({
    name: 'placeos_bridge_broker_reconnects_total',
    help: 'Successful re-connections to the broker after the first connection',
    labelNames: ['broker'] as const,
    registers: [this.registry],
  });
  readonly placeosConnected = new Gauge({
    name: 'placeos_bridge_placeos_connected',
    help: '1 when the PlaceOS control WebSocket is up',
    registers: [this.registry],
  });
  readonly boundKeys = new Gauge({
    name: 'placeos_bridge_placeos_bound_keys',
    help: 'Status keys currently bound on the PlaceOS WebSocket',
    registers: [this.registry],
  });
  readonly rulesLoaded = new Gauge({
    name: 'placeos_bridge_rules',
    help: 'Privacy rules in effect (enabled)',
    registers: [this.registry],
  });

  readonly heapLimit = new Gauge({
    name: 'placeos_bridge_heap_limit_bytes',
    help: 'V8 heap limit (Node sizes it from the memory available); compare with placeos_bridge_nodejs_heap_size_used_bytes',
    registers: [this.registry],
  });

  private readonly collectors: Array<() => void> = [];

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: 'placeos_bridge_' });
    }
  }

  /** Registers a callback that refreshes gauges from their owners just before each scrape. */
  onCollect(refresh: () => void): void {
    this.collectors.push(refresh);
  }

  async render(): Promise<string> {
    for (const refresh of this.collectors) {
      try {
        refresh();
      } catch {
        // A failing source must not take the whole scrape down; its gauges keep their last value.
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
