export { AdminApiModule } from './admin-api.module';
export { DEFAULT_ADMIN_THROTTLE } from './admin-api-options';
export type { AdminApiOptions } from './admin-api-options';
export { ADMIN_API_OPTIONS, BRIDGE_VIEW, RULES_STORE } from './admin-api.tokens';
export type { BridgeView, BrokerImpact, BrokerPreview, LeakFinding } from './bridge-view';
export { ADMIN_API_BODY_LIMIT, setupAdminApiDocs, useAdminApiBodyParser } from './admin-api-http';
export { ADMIN_API_PREFIX } from './admin-api-controller.decorator';
export { MAX_RULE_SET_SIZE } from './rules.controller';
