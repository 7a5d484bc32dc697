import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { BridgeMetrics } from './bridge-metrics';
import { HeapPressureMonitor } from './heap-pressure.monitor';
import { MetricsController } from './metrics.controller';
import { ROOT_LOGGER } from './observability.tokens';

export { ROOT_LOGGER };

/**
 * Provides the root pino logger (token ROOT_LOGGER) and the metrics registry, serves /metrics,
 * and warns when the heap nears its cap.
 */
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
        HeapPressureMonitor,
      ],
      exports: [ROOT_LOGGER, BridgeMetrics],
    };
  }
}
