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

/**
 * Says at start-up what V8's heap limit is and the container memory limit Node derived it from,
 * then samples the heap every 15 s: a gauge of the limit for dashboards, a warning near it.
 */
@Injectable()
export class HeapPressureMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly pressure = new HeapPressure();

  constructor(
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly metrics: BridgeMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const limit = getHeapStatistics().heap_size_limit;
    this.metrics.heapLimit.set(limit);
    // Node sizes the heap limit from the memory it may use (the cgroup limit in a container).
    const constrained = process.constrainedMemory?.() ?? 0;
    this.logger.info(
      {
        heapLimitMb: Math.round(limit / 1048576),
        containerLimitMb:
          constrained > 0 && constrained < 2 ** 52 ? Math.round(constrained / 1048576) : null,
      },
      'memory: V8 heap limit (sized by Node from the memory available; no V8 flags are set)',
    );
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
        'heap close to its limit: give the bridge more memory (the container memory limit, from which Node sizes the heap) before V8 runs out of it',
      );
    }
  }
}
