import type { BrokerConfig } from '@app/config';
import type { ClientMqttOptions } from './bridge-client-mqtt';
import type { PublishProperties } from './message-properties';
import { RawPayloadSerializer } from './raw-payload-serializer';

/** Keepalive the bridge asks for; Azure Event Grid caps it at 1,160 s, so 60 s suits all. */
export const KEEPALIVE_SECONDS = 60;

/** The retained status message a broker publishes for us when our connection dies. */
export interface LastWill {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
  properties?: PublishProperties;
}

/** What one connection attempt needs besides the broker's configuration. */
export interface AttemptSettings {
  clientId: string;
  protocolVersion: 4 | 5;
  /** Only the connection that announces the instance's status carries it. */
  will?: LastWill;
  connectTimeoutMs: number;
}

/** mqtt.js options that Nest's MqttClientOptions type does not list; ClientMqtt passes them on. */
interface MqttJsExtras {
  servername?: string;
  log?: (...args: unknown[]) => void;
}

/**
 * mqtt.js logs several lines per packet through `debug`; even switched off, each call costs
 * about a microsecond and a half on the publish path. Its log is kept only when asked for with
 * DEBUG=mqttjs*, as `debug` itself would decide.
 */
const MQTTJS_DEBUG = /(^|,)\s*mqttjs/.test(process.env.DEBUG ?? '');
const silent = (): void => undefined;

/**
 * ClientMqtt options for one connection attempt. mqtt.js never reconnects by itself
 * (`reconnectPeriod: 0`): MqttSession owns the retry loop, its backoff and protocol fallback,
 * and starts every attempt with a fresh client. Server certificates are verified unless the
 * configuration says `rejectUnauthorized: false` in so many words.
 */
export function clientMqttOptions(
  config: BrokerConfig,
  settings: AttemptSettings,
): ClientMqttOptions {
  const rejectUnauthorized = config.tls?.rejectUnauthorized !== false;
  const options: ClientMqttOptions & MqttJsExtras = {
    url: config.url,
    clientId: settings.clientId,
    protocolVersion: settings.protocolVersion,
    clean: true,
    keepalive: KEEPALIVE_SECONDS,
    reconnectPeriod: 0,
    connectTimeout: settings.connectTimeoutMs,
    // Offline buffering is the outbox's job (latest value per topic), never mqtt.js's.
    queueQoSZero: false,
    serializer: new RawPayloadSerializer(),
    rejectUnauthorized,
  };
  if (!MQTTJS_DEBUG) options.log = silent;
  if (settings.will) options.will = { ...settings.will };
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  const { ca, cert, key, servername } = config.tls ?? {};
  if (ca) options.ca = ca;
  if (cert) options.cert = cert;
  if (key) options.key = key;
  if (servername) options.servername = servername;
  if (/^wss:/i.test(config.url)) {
    // mqtt.js hands ca/cert/key/rejectUnauthorized to the WebSocket, but not the server name.
    options.wsOptions = {
      rejectUnauthorized,
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      ...(servername ? { servername } : {}),
    };
  }
  return options;
}
