import type { RulesDbConfig } from '@app/config';
import type { Logger } from 'pino';
import { PostgresRulesStore } from './postgres-rules-store';
import type { RulesStore } from './rules-store';
import { RulesStoreError } from './rules-store-errors';
import { SqliteRulesStore } from './sqlite-rules-store';

/**
 * Opens the rules store that RULES_DB names: `sqlite:<path>` (one bridge) or
 * `postgres://user:pass@host:port/db[?schema=name]` (shared by several replicas). Resolves once
 * the schema is migrated; rejects with a RulesStoreError (never quoting a password) otherwise.
 */
export function openRulesStore(
  config: RulesDbConfig,
  options: { logger?: Logger } = {},
): Promise<RulesStore> {
  try {
    switch (config.kind) {
      case 'sqlite':
        return Promise.resolve(SqliteRulesStore.open(config.path, options));
      case 'postgres':
        return PostgresRulesStore.open(config.url, options);
    }
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new RulesStoreError(String(error)));
  }
}
