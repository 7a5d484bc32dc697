import { AdminApiModule } from '@app/admin-api';
import { AdminUiModule } from '@app/admin-ui';
import { type BridgeConfig, BridgeConfigModule } from '@app/config';
import { HealthModule } from '@app/health';
import { type BridgeMetrics, ObservabilityModule } from '@app/observability';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { BridgeCoreModule } from './bridge-core.module';

/** The bridge application: configuration, observability, the core, health and the admin API. */
@Module({})
export class AppModule {
  static forRoot(config: BridgeConfig, logger: Logger, metrics: BridgeMetrics): DynamicModule {
    return {
      module: AppModule,
      imports: [
        BridgeConfigModule.forRoot(config),
        ObservabilityModule.forRoot({ logger, metrics }),
        BridgeCoreModule.forRoot(config, logger),
        // The probes come from the (global) core module.
        HealthModule.forRoot({ gracefulShutdownTimeoutMs: 0 }),
        AdminApiModule.forRoot({
          adminToken: config.http.adminToken,
          throttle:
            config.http.adminRateLimit === 0
              ? false
              : { limit: config.http.adminRateLimit, ttlMs: 10_000 },
        }),
        AdminUiModule,
      ],
    };
  }
}
