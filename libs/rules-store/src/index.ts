export type { RulesStore } from './rules-store';
export {
  RuleNameTakenError,
  RuleNotFoundError,
  RulesStoreError,
  RuleVersionMismatchError,
} from './rules-store-errors';
export { openRulesStore } from './open-rules-store';
export { SqliteRulesStore } from './sqlite-rules-store';
export { SQLITE_MIGRATIONS, runSqliteMigrations } from './sqlite-migrations';
export type { SqliteMigration } from './sqlite-migrations';
