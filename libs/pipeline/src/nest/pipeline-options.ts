import type { BridgeMetrics } from '@app/observability';
import type { Topology } from '@app/placeos-client';
import type { TopicMapper } from '@app/topics';
import type { Logger } from 'pino';
import type { BridgePipelineParts } from '../bridge-pipeline';
import type { BrokerTarget } from '../broker-target';
import { DeliveryLedger } from '../delivery-ledger';
import { DeliveryPlanner } from '../delivery-planner';
import { type DeliveryConnection, DeliverySink } from '../delivery-sink';
import type { LeakFindings } from '../leak-findings';
import { StateStore } from '../state-store';

/** What the pipeline is wired to; it builds its own store, ledger, planner and sink. */
export interface PipelineOptions {
  mapper: TopicMapper;
  /** Each broker's id, secret and topic rewrite. */
  targets: BrokerTarget[];
  connections: ReadonlyMap<string, DeliveryConnection>;
  timeUnit: 'ms' | 's';
  findings?: LeakFindings;
  metrics: BridgeMetrics;
  logger: Logger;
  /** The current topology (the PlaceOS client's). */
  topology: () => Topology;
  /** Whether this replica publishes a metadata topic (replicas split them). Default: all. */
  ownsMetadata?: (topic: string) => boolean;
}

export function pipelineParts(options: PipelineOptions): BridgePipelineParts {
  const ledger = new DeliveryLedger();
  return {
    mapper: options.mapper,
    store: new StateStore(),
    ledger,
    planner: new DeliveryPlanner(options.targets, {
      hierarchy: [...options.mapper.hierarchy],
      timeUnit: options.timeUnit,
      findings: options.findings,
    }),
    sink: new DeliverySink(options.connections, ledger, options.metrics, options.logger),
    metrics: options.metrics,
    logger: options.logger,
    topology: options.topology,
    ownsMetadata: options.ownsMetadata,
  };
}
