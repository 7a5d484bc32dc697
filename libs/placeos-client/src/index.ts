export * from './model/json';
export * from './model/place-models';
export * from './model/topology';
export * from './model/state-change';
export * from './model/topology-change';
export type { SyncPacer } from './model/sync-pacer';
export { CoalescingQueue } from './queue/coalescing-queue';
export type { QueueBatch } from './queue/coalescing-queue';
export { shardOf } from './topology/shard';
export { diffTopology } from './topology/topology-diff';
export { PlaceOsAuthError, PlaceOsResponseError } from './auth/placeos-auth-error';
export type { CredentialKind } from './auth/placeos-auth-error';
export {
  DEFAULT_BINDS_IN_FLIGHT,
  DEFAULT_MAX_BINDINGS_PER_SOCKET,
  PlaceOsClient,
} from './client/placeos-client';
export type { PlaceOsClientOptions, PlaceOsStatus } from './client/placeos-client-options';
export {
  PLACEOS_STATE_EVENT,
  PLACEOS_TOPOLOGY_EVENT,
  PlaceOsTransport,
} from './transport/placeos-transport';
export type { PlaceOsTransportOptions } from './transport/placeos-transport';
export { PlaceOsContext } from './transport/placeos-context';
export { PlaceOsClientModule } from './client/placeos-client.module';
export type { PlaceOsClientModuleAsyncOptions } from './client/placeos-client.module';
export { RedisStateSource } from './redis/redis-state-source';
export type {
  RedisSourceStatus,
  RedisStateChange,
  RedisStateSourceOptions,
} from './redis/redis-state-types';
