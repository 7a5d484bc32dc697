/** One client connection of a broker (several with `connections` > 1). */
export interface ConnectionStatus {
  clientId: string;
  connected: boolean;
  queued: number;
  inFlight: number;
}

/** What the admin API and health report about one broker: never a secret. */
export interface BrokerStatus {
  id: string;
  /** The URL without credentials. */
  url: string;
  /** Every client connection of the broker is up. */
  connected: boolean;
  /** Topics waiting for delivery (latest value per topic), live and resync. */
  queued: number;
  /** Messages written to the broker and not yet acknowledged (QoS 1/2). */
  inFlight: number;
  /** Messages the broker acknowledged (QoS 1/2) or that were written to the socket (QoS 0). */
  published: number;
  /** Messages refused: the broker's limits (topic, payload, packet size), outbox full, closed. */
  refused: number;
  /** `refused` by reason (`topic_levels`, `topic_bytes`, `payload_too_large`, …). */
  refusedByReason?: Record<string, number>;
  /** Successful re-connections after the first connection, over all client connections. */
  reconnects: number;
  /** ISO-8601 time of the last successful connection. */
  connectedSince?: string;
  lastError?: string;
  /** MQTT protocol version in use: 5 or 4 (3.1.1). */
  protocolVersion?: 4 | 5;
  /** The state re-sent after the last reconnect: still waiting, and delivered so far. */
  resync?: { pending: number; sent: number };
  connections?: ConnectionStatus[];
}
