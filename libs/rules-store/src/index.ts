export type { RulesStore } from './rules-store';
export {
  RuleNameTakenError,
  RuleNotFoundError,
  RulesStoreError,
  RuleVersionMismatchError,
  SubjectExistsError,
  SubjectNotFoundError,
} from './rules-store-errors';
export type { StoredSubject, SubjectInput } from './subject-records';
export { RULE_CONTENT_FIELDS } from './rule-content';
export { openRulesStore } from './open-rules-store';
export { SqliteRulesStore } from './sqlite-rules-store';
export { SQLITE_MIGRATIONS, runSqliteMigrations } from './sqlite-migrations';
export type { SqliteMigration } from './sqlite-migrations';
export { PostgresRulesStore } from './postgres-rules-store';
export type { PostgresRulesStoreOptions } from './postgres-connection-settings';
export {
  POSTGRES_MIGRATION_LOCK_KEY,
  POSTGRES_MIGRATIONS,
  runPostgresMigrations,
} from './postgres-migrations';
export type { PostgresMigration } from './postgres-migrations';
export { RULES_STORE, RulesStoreModule } from './rules-store.module';
export type { RulesStoreModuleOptions } from './rules-store.module';
