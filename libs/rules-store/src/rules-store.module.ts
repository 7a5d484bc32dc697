import type { RulesDbConfig } from '@app/config';
import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { openRulesStore } from './open-rules-store';

/** Injection token of the RulesStore a RulesStoreModule opens. */
export const RULES_STORE = Symbol('RULES_STORE');

export interface RulesStoreModuleOptions {
  /** `RULES_DB`: SQLite or PostgreSQL. */
  database: RulesDbConfig;
  logger?: Logger;
}

/**
 * Opens the rules store (migrations included) before anything that needs it starts, and
 * provides it as RULES_STORE to the whole application (the admin API, the rules watcher).
 * Closing it is the host's last shutdown step, after the brokers are flushed.
 */
@Module({})
export class RulesStoreModule {
  static forRoot(options: RulesStoreModuleOptions): DynamicModule {
    return {
      module: RulesStoreModule,
      global: true,
      providers: [
        {
          provide: RULES_STORE,
          useFactory: () => openRulesStore(options.database, { logger: options.logger }),
        },
      ],
      exports: [RULES_STORE],
    };
  }
}
