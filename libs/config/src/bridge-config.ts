import type { BROKER_PROFILES, LOG_LEVELS } from './environment';

export type BrokerProfile = (typeof BROKER_PROFILES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface PlaceOsOAuthConfig {
  username: string;
  password: string;
  clientId: string;
  clientSecret?: string;
}

export interface PlaceOsConfig {
  url: string;
  apiKey?: string;
  oauth?: PlaceOsOAuthConfig;
  hostHeader?: string;
  hierarchy: string[];
  /** Only systems in at least one of these zones; empty = every system the credentials can see. */
  zones: string[];
  topologyPollMs: number;
  keyPollMs: number;
  requestTimeoutMs: number;
  /** API mode: bindings per control socket and binds in flight per socket (client defaults). */
  maxBindingsPerSocket?: number;
  bindsInFlight?: number;
  /** In-cluster mode: state from PlaceOS' Redis instead of control-socket bindings. */
  redisUrl?: string;
}

export interface BrokerLimitsConfig {
  maxMessagesPerSecond?: number;
  maxBytesPerSecond?: number;
  /** A broker that caps retained messages below its packet size (Azure Event Grid: 64 KB). */
  maxRetainedPayloadBytes?: number;
  maxInFlight?: number;
  maxTopicBytes?: number;
  maxTopicLevels?: number;
  maxPayloadBytes?: number;
  maxQos?: 0 | 1 | 2;
  retainSupported?: boolean;
}

export interface BrokerConfig {
  id: string;
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  protocolVersion: 'auto' | 5 | 4;
  tls: {
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    /** SNI and the name the server certificate must carry; default the URL's host. */
    servername?: string;
    rejectUnauthorized: boolean;
  };
  /** Client connections to this broker (`<clientId>-<n>` when more than one); default 1. */
  connections?: number;
  /** MQTT 5 Message Expiry Interval of state and metadata messages. */
  messageExpirySeconds?: number;
  /** MQTT 5 user properties sent with every message. */
  userProperties?: Record<string, string>;
  /** HMAC key for `hash` rules; when absent one is generated and persisted in the rules store. */
  secret?: string;
  profile: BrokerProfile;
  topicPrefix?: string;
  topicTemplate?: string;
  statusTopic?: string;
  outboxMaxTopics?: number;
  limits: BrokerLimitsConfig;
}

export type RulesDbConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface BridgeConfig {
  placeos: PlaceOsConfig;
  brokers: BrokerConfig[];
  /** `adminRateLimit`: requests per client per 10 s on /api/v1; 0 turns rate limiting off. */
  http: { port: number; adminToken?: string; adminRateLimit: number };
  rulesDb: RulesDbConfig;
  payloadTimeUnit: 'ms' | 's';
  shard: { index: number; count: number };
  logLevel: LogLevel;
  /** Names this replica: in MQTT client ids and the status topic. */
  instanceId: string;
  shutdownTimeoutMs: number;
}
