import type { BrokerConfig } from '@app/config';
import type { ClientMqttOptions } from './bridge-client-mqtt';
import { RawPayloadSerializer } from './raw-payload-serializer';

/** Keepalive the bridge asks for; Azure Event Grid caps it at 1,160 s, so 60 s suits all. */
export const KEEPALIVE_SECONDS = 60;

/** The retained status message a broker publishes for us when our connection dies. */
export interface LastWill {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

/**
 * ClientMqtt options for one connection attempt. mqtt.js never reconnects by itself
 * (`reconnectPeriod: 0`): BrokerConnection owns the retry loop, its backoff and protocol
 * fallback, and starts every attempt with a fresh client.
 */
export function clientMqttOptions(
  config: BrokerConfig,
  protocolVersion: 4 | 5,
  will: LastWill,
  connectTimeoutMs: number,
): ClientMqttOptions {
  const options: ClientMqttOptions = {
    url: config.url,
    clientId: config.clientId,
    protocolVersion,
    clean: true,
    keepalive: KEEPALIVE_SECONDS,
    reconnectPeriod: 0,
    connectTimeout: connectTimeoutMs,
    // Offline buffering is BrokerConnection's job (latest value per topic), never mqtt.js's.
    queueQoSZero: false,
    serializer: new RawPayloadSerializer(),
    will: { topic: will.topic, payload: will.payload, qos: will.qos, retain: will.retain },
    rejectUnauthorized: config.tls?.rejectUnauthorized !== false,
  };
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  if (config.tls?.ca) options.ca = config.tls.ca;
  if (config.tls?.cert) options.cert = config.tls.cert;
  if (config.tls?.key) options.key = config.tls.key;
  return options;
}
