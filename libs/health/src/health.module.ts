import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';

/**
 * `/health/live` and `/health/ready`. READINESS_PROBES come from `probes`, or from a global
 * module of the host that exports them.
 */
@Module({})
export class HealthModule {
  static forRoot(
    options: { probes?: Provider; gracefulShutdownTimeoutMs?: number } = {},
  ): DynamicModule {
    return {
      module: HealthModule,
      imports: [
        TerminusModule.forRoot({
          errorLogStyle: 'json',
          gracefulShutdownTimeoutMs: options.gracefulShutdownTimeoutMs ?? 0,
          logger: false,
        }),
      ],
      controllers: [HealthController],
      providers: options.probes ? [options.probes] : [],
    };
  }
}
