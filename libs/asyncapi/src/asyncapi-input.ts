/** One broker as the AsyncAPI document describes it: where it is and how topics reach it. */
export interface AsyncApiBroker {
  /** The broker's id (`default` for MQTT_URL); becomes the server's name. */
  id: string;
  /**
   * The broker URL. Only scheme, host, port and path are read: user info and query never reach
   * the document, so a URL with credentials is safe to pass.
   */
  url: string;
  /** QoS the bridge publishes at on this broker (after the profile's cap). */
  qos: 0 | 1 | 2;
  /** Whether state, metadata and status are retained on this broker (after the profile's support). */
  retain: boolean;
  /** QoS of the `online`/`offline` status and the Last Will. */
  statusQos: 0 | 1;
  /** MQTT version: `auto` tries 5, then falls back to 3.1.1. */
  protocolVersion: 'auto' | 4 | 5;
  topicPrefix?: string;
  topicTemplate?: string;
  /** A literal status topic replacing `placeos/_bridge/{instance}/status`. */
  statusTopic?: string;
}

/** What the running configuration tells the document. */
export interface AsyncApiInput {
  /** PLACEOS_HIERARCHY: zone tags, the org's first. */
  hierarchy: readonly string[];
  /** PAYLOAD_TIME_UNIT. */
  timeUnit: 'ms' | 's';
  /** This replica's instance id, given as the example of the status channel's `{instance}`. */
  instanceId: string;
  brokers: readonly AsyncApiBroker[];
  /** The document's `info.version`. */
  version?: string;
}
