import { BRIDGE_VIEW, type BridgeView } from '@app/admin-api';
import { type BridgeConfig } from '@app/config';
import { READINESS_PROBES, type ReadinessProbe } from '@app/health';
import {
  BacklogPacer,
  BROKER_CONNECTIONS,
  type BrokerConnection,
  MqttPublisherModule,
} from '@app/mqtt-publisher';
import { BridgeMetrics } from '@app/observability';
import { PlaceOsClient, PlaceOsClientModule, shardOf } from '@app/placeos-client';
import {
  BRIDGE_PIPELINE,
  type BridgePipeline,
  type BrokerTarget,
  type LeakFindings,
  PipelineModule,
  type PipelineOptions,
} from '@app/pipeline';
import { RuleSet } from '@app/privacy';
import { RULES_STORE, type RulesStore, RulesStoreModule } from '@app/rules-store';
import { TopicMapper, TopicsModule } from '@app/topics';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { BridgeLifecycle } from './bridge-lifecycle';
import { BROKER_TARGETS } from './bridge-tokens';
import { createLeakFindings, LEAK_FINDINGS } from './findings-provider';
import { readinessProbes } from './readiness-probes';

type Connections = Map<string, BrokerConnection>;

/**
 * The composition root: each library brings its own Nest module (the rules store, the broker
 * connections, the PlaceOS client, the topic mapper, the pipeline with its event handlers and
 * interceptors); this
 * module wires them to one another and provides what the admin API and health checks read.
 * Global, so those modules find BRIDGE_VIEW and READINESS_PROBES.
 */
@Global()
@Module({})
export class BridgeCoreModule {
  static forRoot(config: BridgeConfig, logger: Logger): DynamicModule {
    const parts = BridgePartsModule.forRoot(config, logger);
    return {
      module: BridgeCoreModule,
      imports: [
        parts,
        RulesStoreModule.forRoot({
          database: config.rulesDb,
          logger: logger.child({ component: 'rules-store' }),
        }),
        MqttPublisherModule.forRoot({
          brokers: config.brokers,
          instanceId: config.instanceId,
          logger: logger.child({ component: 'broker' }),
          // The one stable hash of the bridge (FNV-1a) picks each topic's connection.
          shardOf,
        }),
        PlaceOsClientModule.forRootAsync({
          inject: [BacklogPacer],
          useFactory: (pacer: BacklogPacer) => ({
            ...config.placeos,
            shard: config.shard,
            logger: logger.child({ component: 'placeos' }),
            // The first sync asks PlaceOS for values as fast as the brokers take them.
            pacer,
          }),
        }),
        TopicsModule.forRoot({ hierarchy: config.placeos.hierarchy }),
        PipelineModule.forRootAsync({
          imports: [parts],
          inject: [
            TopicMapper,
            BROKER_TARGETS,
            BROKER_CONNECTIONS,
            PlaceOsClient,
            BridgeMetrics,
            LEAK_FINDINGS,
          ],
          useFactory: (
            mapper: TopicMapper,
            targets: BrokerTarget[],
            connections: Connections,
            client: PlaceOsClient,
            metrics: BridgeMetrics,
            findings: LeakFindings,
          ): PipelineOptions => ({
            mapper,
            targets,
            connections,
            timeUnit: config.payloadTimeUnit,
            findings,
            metrics,
            logger: logger.child({ component: 'pipeline' }),
            topology: () => client.topology,
            ownsMetadata: metadataOwnership(config.shard),
          }),
        }),
      ],
      providers: [
        BridgeLifecycle,
        {
          provide: BRIDGE_VIEW,
          inject: [BRIDGE_PIPELINE, BROKER_CONNECTIONS, LEAK_FINDINGS],
          useFactory: (
            pipeline: BridgePipeline,
            connections: Connections,
            findings: LeakFindings,
          ): BridgeView => ({
            brokers: () => [...connections.values()].map((c) => c.status()),
            findings: () => findings.list(),
            impact: oneAtATime((rules) => pipeline.impact(RuleSet.compile(rules))),
            preview: (topic, value, rules) =>
              Promise.resolve(
                pipeline.preview(topic, value, RuleSet.compile(rules)).map((preview) => {
                  // Say so when this broker's limits would refuse the message (the same check
                  // as publishing: topic limits, payload, packet size, byte rate).
                  const connection = connections.get(preview.broker);
                  if (!connection || preview.payload === null) return preview;
                  const refused = connection.refusalFor(preview.topic, preview.payload);
                  return refused ? { ...preview, refused } : preview;
                }),
              ),
          }),
        },
        {
          provide: READINESS_PROBES,
          inject: [PlaceOsClient, BROKER_CONNECTIONS, RULES_STORE, BridgeLifecycle],
          useFactory: (
            client: PlaceOsClient,
            connections: Connections,
            store: RulesStore,
            lifecycle: BridgeLifecycle,
          ): ReadinessProbe[] =>
            readinessProbes(client, connections, store, () => lifecycle.shuttingDown),
        },
      ],
      exports: [BRIDGE_VIEW, READINESS_PROBES],
    };
  }
}

/** What the pipeline and the admin API share: each broker's target (its secret) and the findings. */
@Module({})
class BridgePartsModule {
  static forRoot(config: BridgeConfig, logger: Logger): DynamicModule {
    return {
      module: BridgePartsModule,
      providers: [
        {
          provide: BROKER_TARGETS,
          inject: [RULES_STORE],
          useFactory: async (store: RulesStore): Promise<BrokerTarget[]> =>
            Promise.all(
              config.brokers.map(async (broker) => ({
                id: broker.id,
                // A broker without a configured secret gets a generated one that the store
                // keeps, so its hashes stay the same across restarts.
                secret: broker.secret ?? (await store.brokerSecret(broker.id)),
                rewrite: { topicPrefix: broker.topicPrefix, topicTemplate: broker.topicTemplate },
              })),
            ),
        },
        {
          provide: LEAK_FINDINGS,
          inject: [BridgeMetrics],
          useFactory: (metrics: BridgeMetrics) => createLeakFindings(config, metrics, logger),
        },
      ],
      exports: [BROKER_TARGETS, LEAK_FINDINGS],
    };
  }
}

/**
 * Runs `work` for one call at a time: an impact sweep takes a second of CPU at 100,000 topics,
 * and a page asking while the operator types should queue its requests, not run them at once.
 */
function oneAtATime<A extends unknown[], R>(
  work: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  let last: Promise<unknown> = Promise.resolve();
  return (...args) => {
    const run = last.then(() => work(...args));
    last = run.catch(() => undefined);
    return run;
  };
}

/** Replicas split metadata topics by a stable hash of the topic; one replica publishes all. */
function metadataOwnership(shard: BridgeConfig['shard']): ((topic: string) => boolean) | undefined {
  if (shard.count === 1) return undefined;
  return (topic) => shardOf(topic, shard.count) === shard.index;
}
