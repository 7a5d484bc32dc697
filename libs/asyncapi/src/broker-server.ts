import type { AsyncApiBroker } from './asyncapi-input';

/** An AsyncAPI 3 server object for one broker. */
export interface AsyncApiServer {
  host: string;
  protocol: string;
  protocolVersion?: string;
  pathname?: string;
  title: string;
  description: string;
  bindings: { mqtt: Record<string, unknown> };
}

const PROTOCOLS: Record<string, { protocol: string; transport: string }> = {
  'mqtt:': { protocol: 'mqtt', transport: 'MQTT over TCP' },
  'mqtts:': { protocol: 'secure-mqtt', transport: 'MQTT over TLS' },
  'ws:': { protocol: 'ws', transport: 'MQTT over WebSocket' },
  'wss:': { protocol: 'wss', transport: 'MQTT over secure WebSocket' },
};

/**
 * Where a broker is, with nothing that could be a secret: URL.host has no user info, and the
 * query string (which may carry tokens) is left out.
 */
function location(url: string): {
  protocol: string;
  transport: string;
  host: string;
  pathname?: string;
} {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const known = parsed ? PROTOCOLS[parsed.protocol] : undefined;
  if (!parsed || !known || !parsed.host)
    return { protocol: 'mqtt', transport: 'MQTT', host: 'unknown' };
  const pathname = parsed.pathname && parsed.pathname !== '/' ? parsed.pathname : undefined;
  return { ...known, host: parsed.host, pathname };
}

/** The topic a broker receives this replica's `online`/`offline` on. */
export function statusTopicOf(broker: AsyncApiBroker, instanceId: string): string {
  return broker.statusTopic ?? `placeos/_bridge/${instanceId}/status`;
}

/** How this broker's topics differ from the canonical ones, in words; empty when they do not. */
export function rewriteNote(broker: AsyncApiBroker): string {
  const notes: string[] = [];
  if (broker.topicTemplate !== undefined)
    notes.push(
      `State topics are rewritten with the template \`${broker.topicTemplate}\` ` +
        '(metadata and status topics keep their canonical form).',
    );
  if (broker.topicPrefix !== undefined)
    notes.push(
      `Every state and metadata topic is prefixed with \`${broker.topicPrefix}\`; the status topic is not.`,
    );
  return notes.join(' ');
}

/** The AsyncAPI server of one broker: host and protocol only, never credentials. */
export function brokerServer(broker: AsyncApiBroker, instanceId: string): AsyncApiServer {
  const where = location(broker.url);
  const version =
    broker.protocolVersion === 4
      ? 'MQTT 3.1.1'
      : broker.protocolVersion === 5
        ? 'MQTT 5'
        : 'MQTT 5, falling back to 3.1.1 when the broker refuses it';
  const delivery = `QoS ${broker.qos}, ${broker.retain ? 'retained' : 'not retained'}`;
  const description = [
    `Broker \`${broker.id}\` (${where.transport}; ${version}). State and metadata: ${delivery}.`,
    rewriteNote(broker),
  ]
    .filter(Boolean)
    .join(' ');
  const server: AsyncApiServer = {
    host: where.host,
    protocol: where.protocol,
    title: broker.id,
    description,
    bindings: {
      mqtt: {
        cleanSession: true,
        // The Last Will is how a consumer learns that this bridge went away without a goodbye.
        lastWill: {
          topic: statusTopicOf(broker, instanceId),
          qos: broker.statusQos,
          message: 'offline',
          retain: broker.retain,
        },
        bindingVersion: '0.2.0',
      },
    },
  };
  if (broker.protocolVersion !== 'auto')
    server.protocolVersion = broker.protocolVersion === 4 ? '3.1.1' : '5';
  if (where.pathname !== undefined) server.pathname = where.pathname;
  return server;
}
