export { BridgePipeline } from './bridge-pipeline';
export type {
  BridgePipelineParts,
  BrokerPreview,
  DeliveryBatch,
  OutgoingBatch,
} from './bridge-pipeline';
export type { BrokerTarget } from './broker-target';
export { DeliveryLedger } from './delivery-ledger';
export { DeliveryPlanner } from './delivery-planner';
export type { DeliveryPlannerOptions } from './delivery-planner';
export { DeliverySink } from './delivery-sink';
export type { DeliveryConnection } from './delivery-sink';
export { analyseImpact } from './impact-analysis';
export type { BrokerImpact, ImpactOptions, ImpactSample } from './impact-analysis';
export { LeakFindings } from './leak-findings';
export type { Finding, LeakFindingsOptions } from './leak-findings';
export type { Delivery, OutgoingMessage } from './outgoing-message';
export { RulesWatcher } from './rules-watcher';
export type { RuleSource } from './rules-watcher';
export { StateStore } from './state-store';
export type { SlotRef, StoredState } from './state-store';
export { generaliseTopic } from './topic-generalisation';
export { BRIDGE_PIPELINE } from './nest/pipeline.tokens';
export { PrivacyInterceptor } from './nest/privacy.interceptor';
export { PublishInterceptor } from './nest/publish.interceptor';
export { StateEventsController } from './nest/state-events.controller';
export { PipelineModule } from './nest/pipeline.module';
export type { PipelineModuleAsyncOptions } from './nest/pipeline.module';
export type { PipelineOptions } from './nest/pipeline-options';
