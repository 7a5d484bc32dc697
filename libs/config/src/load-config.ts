import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { BrokerEntry } from './broker-entry';
import type { BridgeConfig, BrokerConfig, LogLevel, RulesDbConfig } from './bridge-config';
import { readBrokersFile } from './brokers-file';
import { ConfigError } from './config-error';
import { Environment } from './environment';

export const DEFAULT_HIERARCHY = ['org', 'building', 'level', 'area'];
export const DEFAULT_BROKER_ID = 'default';

/** Which message to show when several rules fail for one variable: the most basic one. */
const CONSTRAINT_PRIORITY = [
  'isDefined',
  'isInt',
  'isBoolean',
  'isIn',
  'isUrl',
  'matches',
  'isString',
];

function problemsOf(env: Environment): string[] {
  const problems: string[] = [];
  for (const error of validateSync(env, { skipMissingProperties: false })) {
    // One message per variable is enough; a missing value is reported as missing, not as malformed.
    const constraints = error.constraints ?? {};
    const first = CONSTRAINT_PRIORITY.find((name) => constraints[name] !== undefined);
    const message = first ? constraints[first] : Object.values(constraints)[0];
    if (message !== undefined) problems.push(message);
  }
  return problems;
}

function crossFieldProblems(env: Environment): string[] {
  const problems: string[] = [];
  const grant = [env.PLACEOS_USERNAME, env.PLACEOS_PASSWORD, env.PLACEOS_CLIENT_ID];
  const someGrant = grant.some((v) => v !== undefined);
  if (!env.PLACEOS_API_KEY && !someGrant) {
    problems.push(
      'PlaceOS credentials are required: set PLACEOS_API_KEY, or PLACEOS_USERNAME + PLACEOS_PASSWORD + PLACEOS_CLIENT_ID (password grant)',
    );
  } else if (!env.PLACEOS_API_KEY && grant.some((v) => v === undefined)) {
    const missing = ['PLACEOS_USERNAME', 'PLACEOS_PASSWORD', 'PLACEOS_CLIENT_ID'].filter(
      (_name, i) => grant[i] === undefined,
    );
    problems.push(`the OAuth2 password grant also needs ${missing.join(', ')}`);
  }
  const hierarchy = env.PLACEOS_HIERARCHY;
  if (hierarchy && new Set(hierarchy).size !== hierarchy.length) {
    problems.push('PLACEOS_HIERARCHY must not repeat a tag');
  }
  const count = env.SHARD_COUNT ?? 1;
  const index = env.SHARD_INDEX ?? 0;
  if (Number.isInteger(count) && Number.isInteger(index) && index >= count) {
    problems.push(`SHARD_INDEX (${index}) must be less than SHARD_COUNT (${count})`);
  }
  if (Number.isInteger(count) && count > 1) problems.push(...replicaProblems(env, count));
  if ((env.MQTT_CERT_FILE === undefined) !== (env.MQTT_KEY_FILE === undefined)) {
    problems.push(
      'MQTT_CERT_FILE and MQTT_KEY_FILE must be set together (client certificate and its key)',
    );
  }
  if (env.MQTT_URL !== undefined) {
    const files = { MQTT_CA_FILE: env.MQTT_CA_FILE, MQTT_CERT_FILE: env.MQTT_CERT_FILE };
    problems.push(...plainUrlProblems(env.MQTT_URL, 'MQTT_URL', files));
  }
  return problems;
}

/**
 * TLS settings on a plain mqtt:// or ws:// URL would be ignored: the operator believes the
 * connection is verified (or mutually authenticated) while it travels in clear text.
 */
function plainUrlProblems(url: string, where: string, settings: Record<string, unknown>): string[] {
  if (!/^(mqtt|ws):/i.test(url)) return [];
  const set = Object.entries(settings)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  if (set.length === 0) return [];
  return [`${where} is not a TLS URL (mqtts:// or wss://), so ${set.join(', ')} would be ignored`];
}

/** Cross-field rules of one BROKERS_FILE entry. */
function entryProblems(entry: BrokerEntry): string[] {
  const where = `BROKERS_FILE broker "${entry.id}"`;
  const problems: string[] = [];
  if ((entry.certFile === undefined) !== (entry.keyFile === undefined)) {
    problems.push(
      `${where}: certFile and keyFile must be set together (client certificate and its key)`,
    );
  }
  if (typeof entry.url === 'string') {
    const { caFile, certFile, keyFile, servername } = entry;
    problems.push(
      ...plainUrlProblems(entry.url, `${where} url`, { caFile, certFile, keyFile, servername }),
    );
  }
  if (parseProtocolVersion(entry.protocolVersion) === 4) {
    const v5Only = (['messageExpirySeconds', 'userProperties'] as const).filter(
      (name) => entry[name] !== undefined,
    );
    if (v5Only.length > 0) {
      problems.push(`${where}: ${v5Only.join(' and ')} need MQTT 5, but protocolVersion is 4`);
    }
  }
  return problems;
}

/** Replicas must share their rules and must not share an MQTT client id. */
function replicaProblems(env: Environment, count: number): string[] {
  const problems: string[] = [];
  if (rulesDb(env.RULES_DB).kind === 'sqlite') {
    problems.push(
      `RULES_DB is SQLite (${env.RULES_DB ?? 'the default'}) but SHARD_COUNT is ${count}: ` +
        'each replica would keep its own rules, and one would publish what another hides. ' +
        'Use RULES_DB=postgres://… shared by every replica, or SHARD_COUNT=1',
    );
  }
  if (env.MQTT_CLIENT_ID !== undefined && !hasReplicaPlaceholder(env.MQTT_CLIENT_ID)) {
    problems.push(sharedClientIdProblem('MQTT_CLIENT_ID', count));
  }
  return problems;
}

/** A client id every replica would share: brokers disconnect one session when another takes the id. */
function hasReplicaPlaceholder(clientId: string): boolean {
  return clientId.includes('{instance}') || clientId.includes('{shard}');
}

function sharedClientIdProblem(where: string, count: number): string {
  return (
    `${where} is the same on every replica but SHARD_COUNT is ${count}: ` +
    'a broker drops one session when another connects with its id. Add {instance} or {shard} to it'
  );
}

function parseProtocolVersion(value: unknown): 'auto' | 5 | 4 {
  if (value === 5 || value === '5') return 5;
  if (value === 4 || value === '4') return 4;
  return 'auto';
}

function rulesDb(value: string | undefined): RulesDbConfig {
  const raw = value ?? 'sqlite:./data/rules.db';
  return raw.startsWith('sqlite:')
    ? { kind: 'sqlite', path: raw.slice('sqlite:'.length) }
    : { kind: 'postgres', url: raw };
}

function clientIdFor(
  template: string | undefined,
  fallback: string,
  instanceId: string,
  shardIndex: number,
): string {
  return (template ?? fallback)
    .replaceAll('{instance}', instanceId)
    .replaceAll('{shard}', String(shardIndex));
}

function fromEntry(entry: BrokerEntry, instanceId: string, shardIndex: number): BrokerConfig {
  const read = (path?: string) => (path ? readFileSync(path) : undefined);
  return {
    id: entry.id,
    url: entry.url,
    username: entry.username,
    password: entry.password,
    clientId: clientIdFor(
      entry.clientId,
      `placeos-bridge-{instance}-${entry.id}`,
      instanceId,
      shardIndex,
    ),
    qos: entry.qos ?? 1,
    retain: entry.retain ?? true,
    protocolVersion: parseProtocolVersion(entry.protocolVersion),
    tls: {
      ca: read(entry.caFile),
      cert: read(entry.certFile),
      key: read(entry.keyFile),
      servername: entry.servername,
      // Verification stays on unless `false` is written out: no default ever turns it off.
      rejectUnauthorized: entry.rejectUnauthorized !== false,
    },
    connections: entry.connections ?? 1,
    messageExpirySeconds: entry.messageExpirySeconds,
    userProperties: entry.userProperties ? { ...entry.userProperties } : undefined,
    secret: entry.secret,
    profile: entry.profile ?? 'generic',
    topicPrefix: entry.topicPrefix,
    topicTemplate: entry.topicTemplate,
    statusTopic: entry.statusTopic,
    outboxMaxTopics: entry.outboxMaxTopics,
    limits: { ...entry.limits },
  };
}

/**
 * Validates the whole environment at once and builds the typed configuration.
 * Throws one ConfigError listing every problem, so an operator fixes them in one go.
 */
export function loadBridgeConfig(raw: NodeJS.ProcessEnv): BridgeConfig {
  const env = plainToInstance(Environment, { ...raw }, { excludeExtraneousValues: false });
  const problems = [...problemsOf(env), ...crossFieldProblems(env)];
  if ((env.SHARD_COUNT ?? 1) > 1 && (raw.SHARD_INDEX ?? '').trim() === '') {
    // E.g. the pod-index label missing (Kubernetes < 1.28): every replica would be shard 0.
    problems.push(
      `SHARD_INDEX is required when SHARD_COUNT is ${env.SHARD_COUNT} (got ${raw.SHARD_INDEX === undefined ? 'nothing' : 'an empty value'}); on Kubernetes it comes from the pod-index label (1.28 or later)`,
    );
  }

  const instanceId = env.INSTANCE_ID ?? raw.POD_NAME ?? raw.HOSTNAME ?? hostname();
  const shardIndex = env.SHARD_INDEX ?? 0;
  let fileEntries: BrokerEntry[] = [];
  if (env.BROKERS_FILE !== undefined && problems.every((p) => !p.startsWith('BROKERS_FILE'))) {
    const result = readBrokersFile(env.BROKERS_FILE, raw);
    fileEntries = result.entries;
    problems.push(...result.problems);
    const count = env.SHARD_COUNT ?? 1;
    for (const entry of fileEntries) {
      problems.push(...entryProblems(entry));
      if (count > 1 && entry.clientId !== undefined && !hasReplicaPlaceholder(entry.clientId)) {
        problems.push(sharedClientIdProblem(`BROKERS_FILE broker "${entry.id}" clientId`, count));
      }
    }
  }
  if (env.MQTT_URL !== undefined && fileEntries.some((e) => e.id === DEFAULT_BROKER_ID)) {
    problems.push(`BROKERS_FILE: broker id "${DEFAULT_BROKER_ID}" is taken by MQTT_URL`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const brokers: BrokerConfig[] = [];
  if (env.MQTT_URL !== undefined) {
    brokers.push(
      fromEntry(
        {
          id: DEFAULT_BROKER_ID,
          url: env.MQTT_URL,
          username: env.MQTT_USERNAME,
          password: env.MQTT_PASSWORD,
          clientId: env.MQTT_CLIENT_ID,
          qos: env.MQTT_QOS as 0 | 1 | 2 | undefined,
          retain: env.MQTT_RETAIN,
          protocolVersion: env.MQTT_PROTOCOL_VERSION as 'auto' | '5' | '4' | undefined,
          caFile: env.MQTT_CA_FILE,
          certFile: env.MQTT_CERT_FILE,
          keyFile: env.MQTT_KEY_FILE,
          rejectUnauthorized: env.MQTT_REJECT_UNAUTHORIZED,
          secret: env.MQTT_SECRET,
          profile: env.MQTT_PROFILE as BrokerConfig['profile'] | undefined,
          topicPrefix: env.MQTT_TOPIC_PREFIX,
          topicTemplate: env.MQTT_TOPIC_TEMPLATE,
          limits: { maxMessagesPerSecond: env.MQTT_MAX_MESSAGES_PER_SECOND },
        },
        instanceId,
        shardIndex,
      ),
    );
    brokers[0].clientId = clientIdFor(
      env.MQTT_CLIENT_ID,
      'placeos-bridge-{instance}',
      instanceId,
      shardIndex,
    );
  }
  brokers.push(...fileEntries.map((entry) => fromEntry(entry, instanceId, shardIndex)));

  return {
    placeos: {
      url: env.PLACEOS_URL.replace(/\/+$/, ''),
      apiKey: env.PLACEOS_API_KEY,
      oauth:
        env.PLACEOS_API_KEY === undefined && env.PLACEOS_USERNAME !== undefined
          ? {
              username: env.PLACEOS_USERNAME,
              password: env.PLACEOS_PASSWORD ?? '',
              clientId: env.PLACEOS_CLIENT_ID ?? '',
              clientSecret: env.PLACEOS_CLIENT_SECRET,
            }
          : undefined,
      hostHeader: env.PLACEOS_HOST_HEADER,
      hierarchy: env.PLACEOS_HIERARCHY ?? DEFAULT_HIERARCHY,
      zones: env.PLACEOS_ZONES ?? [],
      topologyPollMs: env.PLACEOS_TOPOLOGY_POLL_MS ?? 30_000,
      keyPollMs: env.PLACEOS_KEY_POLL_MS ?? 60_000,
      requestTimeoutMs: env.PLACEOS_REQUEST_TIMEOUT_MS ?? 10_000,
      maxBindingsPerSocket: env.PLACEOS_MAX_BINDINGS_PER_SOCKET,
      bindsInFlight: env.PLACEOS_BINDS_IN_FLIGHT,
      redisUrl: env.PLACEOS_REDIS_URL,
    },
    brokers,
    http: {
      port: env.HTTP_PORT ?? 3000,
      adminToken: env.ADMIN_TOKEN,
      adminRateLimit: env.ADMIN_RATE_LIMIT ?? 300,
    },
    rulesDb: rulesDb(env.RULES_DB),
    payloadTimeUnit: env.PAYLOAD_TIME_UNIT ?? 'ms',
    shard: { index: shardIndex, count: env.SHARD_COUNT ?? 1 },
    logLevel: (env.LOG_LEVEL ?? 'info') as LogLevel,
    instanceId,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS ?? 10_000,
  };
}
