/** What the admin API and health report about one broker connection: never a secret. */
export interface BrokerStatus {
  id: string;
  /** The URL without credentials. */
  url: string;
  connected: boolean;
  /** Topics waiting in the outbox (latest value per topic) for delivery. */
  queued: number;
  /** Messages written to the broker and not yet acknowledged (QoS 1/2). */
  inFlight: number;
  /** Messages the broker acknowledged (QoS 1/2) or that were written to the socket (QoS 0). */
  published: number;
  /** Messages refused by the broker's limits (topic too long, payload too large, outbox full). */
  refused: number;
  /** Successful re-connections after the first connection. */
  reconnects: number;
  /** ISO-8601 time of the last successful connection. */
  connectedSince?: string;
  lastError?: string;
  /** MQTT protocol version in use: 5 or 4 (3.1.1). */
  protocolVersion?: 4 | 5;
}
