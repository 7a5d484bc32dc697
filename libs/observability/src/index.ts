export { BridgeMetrics } from './bridge-metrics';
export { createLogger, REDACTED_PATHS } from './logger';
export { ObservabilityModule, ROOT_LOGGER } from './observability.module';
export { PinoNestLogger } from './pino-nest-logger';
