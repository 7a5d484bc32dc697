export { RedisStateSource } from './redis-state-source';
export type {
  RedisSourceStatus,
  RedisStateChange,
  RedisStateSourceOptions,
} from './redis-state-types';
export { parseRedisUrl } from './redis-url';
export type { RedisTarget } from './redis-url';
