export { BridgeMetrics } from './bridge-metrics';
export { MirroredCounter } from './mirrored-counter';
export { createLogger, REDACTED_PATHS } from './logger';
export { ObservabilityModule, ROOT_LOGGER } from './observability.module';
export { PinoNestLogger } from './pino-nest-logger';
