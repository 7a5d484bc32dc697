import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
  MemoryHealthIndicator,
} from '@nestjs/terminus';
import { READINESS_PROBES, type ReadinessProbe } from './readiness-probe';

/** A probe that hangs must not hang the endpoint: Kubernetes would time out instead. */
const PROBE_TIMEOUT_MS = 2000;
/** Liveness fails only when the process is beyond saving: a heap past this many bytes. */
const HEAP_LIMIT_BYTES = 1536 * 1024 * 1024;

/**
 * Kubernetes probes. Liveness checks the process only, so a broker or PlaceOS outage never
 * restarts the pod; readiness reports every dependency, with details, and 503 when one is down.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly memory: MemoryHealthIndicator,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.memory.checkHeap('heap', HEAP_LIMIT_BYTES)]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.probes.map((probe) => () => this.run(probe)));
  }

  private async run(probe: ReadinessProbe): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(probe.name);
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve(probe.check()),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS);
        }),
      ]);
      return result.up ? session.up(result.details) : session.down(result.details);
    } catch (error) {
      // Terminus 12 turns a throw into a 500; readiness must say "down" instead.
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}
