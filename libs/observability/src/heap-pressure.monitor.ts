import { getHeapStatistics } from 'node:v8';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { BridgeMetrics } from './bridge-metrics';
import { HeapPressure } from './heap-pressure';
import { ROOT_LOGGER } from './observability.tokens';

/** Samples the heap every 15 s: a gauge of the cap for dashboards, a warning near it. */
@Injectable()
export class HeapPressureMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly pressure = new HeapPressure();

  constructor(
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly metrics: BridgeMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.metrics.heapLimit.set(getHeapStatistics().heap_size_limit);
    this.timer = setInterval(() => this.sample(), 15_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const warning = this.pressure.check(getHeapStatistics(), Date.now());
    if (warning) {
      this.logger.warn(
        warning,
        'heap close to its cap: raise --max-old-space-size in NODE_OPTIONS (about twice the live heap) before V8 runs out of memory',
      );
    }
  }
}
