export type { BrokerStatus, ConnectionStatus } from './broker-status';
export { BrokerConnection } from './broker-connection';
export type { BrokerConnectionOptions, ConnectedEvent } from './broker-connection';
export type { PublishOutcome } from './publish-outcome';
export { PROFILE_LIMITS, PROFILE_TOPIC_TEMPLATES, effectiveLimits } from './profile-limits';
export type { EffectiveLimits } from './profile-limits';
export { RawPayloadSerializer } from './raw-payload-serializer';
export type { RefusalReason } from './refusals';
