import { type BridgeConfig, InjectBridgeConfig } from '@app/config';
import { BROKER_CONNECTIONS, type BrokerConnection } from '@app/mqtt-publisher';
import { BridgeMetrics, ROOT_LOGGER } from '@app/observability';
import { PlaceOsClient } from '@app/placeos-client';
import { BRIDGE_PIPELINE, type BridgePipeline, RulesWatcher } from '@app/pipeline';
import { RULES_STORE, type RulesStore } from '@app/rules-store';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Starts and stops the bridge's moving parts in the right order. Start: rules in effect before
 * any event, then brokers (each re-publishes current state on every connect). Stop (see
 * `RunningBridge.close`): readiness turns 503, the PlaceOS transport stops (no more events),
 * then each broker is flushed within the grace, gets `offline` and is disconnected; the store
 * closes last.
 */
@Injectable()
export class BridgeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private watcher: RulesWatcher | undefined;
  private readonly logger: Logger;
  private stopping = false;
  private flushing: Promise<void> | undefined;

  constructor(
    @Inject(BRIDGE_PIPELINE) private readonly pipeline: BridgePipeline,
    @Inject(BROKER_CONNECTIONS) private readonly connections: Map<string, BrokerConnection>,
    @Inject(RULES_STORE) private readonly store: RulesStore,
    private readonly client: PlaceOsClient,
    @InjectBridgeConfig() private readonly config: BridgeConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    private readonly metrics: BridgeMetrics,
  ) {
    this.logger = rootLogger.child({ component: 'lifecycle' });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.collectGauges();
    this.watcher = new RulesWatcher(
      this.store,
      (rules, subjects) => this.pipeline.applyPrivacy(rules, subjects),
      this.logger,
    );
    await this.watcher.start();
    for (const connection of this.connections.values()) {
      connection.onConnected(({ reconnect, connection: index }) => {
        this.logger.info(
          { broker: connection.id, connection: index, reconnect },
          'broker connected: re-sending current state behind live changes',
        );
        // A restarted broker may have lost everything: re-send all of it (forget what the
        // ledger says it holds), as resync, which the connection paces after live changes.
        this.pipeline
          .republish({ brokers: [connection.id], forget: true, resync: true })
          .catch((error: unknown) =>
            this.logger.error({ err: error, broker: connection.id }, 're-publication failed'),
          );
      });
      await connection.start();
    }
  }

  /** Resolves once the rules committed so far are in effect (and retained copies fixed). */
  reloadRules(): Promise<void> {
    return this.watcher?.reload() ?? Promise.resolve();
  }

  /** True from the moment shutdown begins: readiness answers 503 from then on. */
  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Shutdown's first step: stop looking ready, so Kubernetes takes the pod out of the Service. */
  beginShutdown(): void {
    this.stopping = true;
  }

  /**
   * Delivers what each broker still has queued (bounded by SHUTDOWN_TIMEOUT_MS), publishes
   * `offline` and disconnects. Brokers flush in parallel, so one slow broker costs the others
   * nothing. Safe to call again: later calls wait for the first.
   */
  flushBrokers(): Promise<void> {
    this.flushing ??= this.flushAll();
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.watcher?.stop();
    await this.flushBrokers();
    await this.store.close().catch(() => undefined);
    this.logger.info('bridge stopped');
  }

  private async flushAll(): Promise<void> {
    const timeout = this.config.shutdownTimeoutMs;
    await Promise.all(
      [...this.connections.values()].map(async (connection) => {
        const before = connection.status();
        const queued = before.queued + before.inFlight;
        try {
          await connection.close(timeout);
        } catch (error) {
          this.logger.warn({ err: error, broker: connection.id }, 'broker did not close cleanly');
          return;
        }
        const after = connection.status();
        const left = after.queued + after.inFlight;
        if (left > 0) {
          this.logger.warn(
            { broker: connection.id, queued, undelivered: left, graceMs: timeout },
            'shutdown grace ran out before every queued message reached the broker',
          );
        } else {
          this.logger.info({ broker: connection.id, flushed: queued }, 'broker flushed');
        }
      }),
    );
  }

  private collectGauges(): void {
    const { metrics } = this;
    metrics.onCollect(() => {
      for (const connection of this.connections.values()) {
        const status = connection.status();
        const broker = status.id;
        metrics.brokerConnected.set({ broker }, status.connected ? 1 : 0);
        metrics.brokerQueued.set({ broker }, status.queued);
        metrics.brokerDelivered.sync({ broker }, status.published);
        const reasons = status.refusedByReason ?? {};
        if (Object.keys(reasons).length === 0)
          metrics.brokerRefused.sync({ broker, reason: 'limits' }, 0);
        for (const [reason, count] of Object.entries(reasons)) {
          metrics.brokerRefused.sync({ broker, reason }, count);
        }
        metrics.brokerResyncPending.set({ broker }, status.resync?.pending ?? 0);
        metrics.brokerResyncSent.sync({ broker }, status.resync?.sent ?? 0);
        metrics.brokerReconnects.sync({ broker }, status.reconnects);
      }
      const placeos = this.client.status();
      metrics.placeosConnected.set(placeos.connected ? 1 : 0);
      metrics.boundKeys.set(placeos.boundKeys);
      metrics.rulesLoaded.set(this.pipeline.planner.rules.size);
    });
  }
}
