export type {
  BridgeConfig,
  BrokerConfig,
  BrokerLimitsConfig,
  BrokerProfile,
  LogLevel,
  PlaceOsConfig,
  PlaceOsOAuthConfig,
  RulesDbConfig,
} from './bridge-config';
export { ConfigError } from './config-error';
export { describeConfig } from './describe-config';
export { DEFAULT_BROKER_ID, DEFAULT_HIERARCHY, loadBridgeConfig } from './load-config';
export { BRIDGE_CONFIG, BridgeConfigModule, InjectBridgeConfig } from './bridge-config.module';
