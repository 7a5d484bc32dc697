import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { type AdminApiOptions, DEFAULT_ADMIN_THROTTLE } from './admin-api-options';
import { AdminApiExceptionFilter } from './admin-api-exception.filter';
import { ADMIN_API_OPTIONS } from './admin-api.tokens';
import { AdminTokenGuard } from './admin-token.guard';
import { BrokersController } from './brokers.controller';
import { FindingsController } from './findings.controller';
import { JsonBodyGuard } from './json-body.guard';
import { RulesController } from './rules.controller';
import { SubjectsController } from './subjects.controller';

/**
 * The admin REST API under /api/v1 (admin-api.md). The host provides RULES_STORE and
 * BRIDGE_VIEW, globally or through `imports`/`providers`; the JSON body limit and the OpenAPI
 * docs are app-level (useAdminApiBodyParser, setupAdminApiDocs).
 */
@Module({})
export class AdminApiModule {
  static forRoot(options: AdminApiOptions = {}): DynamicModule {
    const throttle =
      options.throttle === false ? undefined : (options.throttle ?? DEFAULT_ADMIN_THROTTLE);
    return {
      module: AdminApiModule,
      imports: [
        ...(options.imports ?? []),
        ThrottlerModule.forRoot({
          throttlers: [
            {
              name: 'admin-api',
              limit: throttle?.limit ?? Number.MAX_SAFE_INTEGER,
              ttl: throttle?.ttlMs ?? 1000,
            },
          ],
          skipIf: () => throttle === undefined,
          // One budget per client for the whole API, not one per route.
          generateKey: (_context, tracker, throttlerName) => `${throttlerName}:${tracker}`,
        }),
      ],
      controllers: [RulesController, BrokersController, SubjectsController, FindingsController],
      providers: [
        ...(options.providers ?? []),
        { provide: ADMIN_API_OPTIONS, useValue: { ...options } },
        AdminTokenGuard,
        JsonBodyGuard,
        AdminApiExceptionFilter,
      ],
    };
  }
}
