import type { RulesDbConfig } from '@app/config';
import type { Logger } from 'pino';
import type { RulesStore } from './rules-store';
import { RulesStoreError } from './rules-store-errors';
import { SqliteRulesStore } from './sqlite-rules-store';

/** Opens the rules store that RULES_DB names (`sqlite:<path>`; PostgreSQL is not available yet). */
export function openRulesStore(
  config: RulesDbConfig,
  options: { logger?: Logger } = {},
): Promise<RulesStore> {
  try {
    switch (config.kind) {
      case 'sqlite':
        return Promise.resolve(SqliteRulesStore.open(config.path, options));
      case 'postgres':
        throw new RulesStoreError(
          'PostgreSQL rules storage is not available in this version; use sqlite:<path>',
        );
    }
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new RulesStoreError(String(error)));
  }
}
