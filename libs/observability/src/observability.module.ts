import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { BridgeMetrics } from './bridge-metrics';
import { MetricsController } from './metrics.controller';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** Provides the root pino logger (token ROOT_LOGGER) and the metrics registry, and serves /metrics. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: { logger: Logger; metrics?: BridgeMetrics }): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [
        { provide: ROOT_LOGGER, useValue: options.logger },
        { provide: BridgeMetrics, useValue: options.metrics ?? new BridgeMetrics() },
      ],
      exports: [ROOT_LOGGER, BridgeMetrics],
    };
  }
}
