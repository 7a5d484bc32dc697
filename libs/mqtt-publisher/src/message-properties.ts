import type { BrokerConfig } from '@app/config';

/** MQTT 5 PUBLISH properties the bridge sets (mqtt.js's property names). */
export interface PublishProperties {
  contentType?: string;
  messageExpiryInterval?: number;
  userProperties?: Record<string, string>;
  topicAlias?: number;
}

const JSON_CONTENT_TYPE = 'application/json';
// Property bytes: identifier + value (strings and pairs carry two-byte lengths).
const CONTENT_TYPE_BYTES = 1 + 2 + Buffer.byteLength(JSON_CONTENT_TYPE);
const EXPIRY_BYTES = 1 + 4;
const TOPIC_ALIAS_BYTES = 1 + 2;

function looksLikeJson(payload: string | Buffer): boolean {
  if (payload.length < 2) return false;
  const text = typeof payload === 'string';
  const first = text ? payload.charCodeAt(0) : payload[0];
  const last = text ? payload.charCodeAt(payload.length - 1) : payload[payload.length - 1];
  return (first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d);
}

function variableByteIntegerLength(value: number): number {
  if (value < 128) return 1;
  if (value < 16_384) return 2;
  if (value < 2_097_152) return 3;
  return 4;
}

/**
 * The MQTT 5 properties of one broker's messages (none on MQTT 3.1.1), and the size of the
 * PUBLISH packets they make: the broker's Maximum Packet Size and byte rate are about packets.
 */
export class MessageProperties {
  /** The most property bytes any message carries (topic alias included). */
  private readonly maxPropertyBytes: number;
  /**
   * The properties of every JSON message and of every other message, made once and shared: a
   * message's own object (and user-property copy) per publish costs more than the publish.
   * mqtt.js only reads them (it deletes `topicAlias`, which these never hold).
   */
  private readonly jsonProperties?: PublishProperties;
  private readonly otherProperties?: PublishProperties;
  private readonly statusProperties?: PublishProperties;

  constructor(
    private readonly config: Pick<BrokerConfig, 'messageExpirySeconds' | 'userProperties'>,
  ) {
    let bytes = CONTENT_TYPE_BYTES + TOPIC_ALIAS_BYTES;
    if (config.messageExpirySeconds !== undefined) bytes += EXPIRY_BYTES;
    for (const [name, value] of Object.entries(config.userProperties ?? {})) {
      bytes += 1 + 2 + Buffer.byteLength(name) + 2 + Buffer.byteLength(value);
    }
    this.maxPropertyBytes = bytes;
    const user = config.userProperties;
    // An empty map would make mqtt-packet drop the message (nestjs/nest#14079).
    const userProperties = user && Object.keys(user).length > 0 ? { ...user } : undefined;
    const other: PublishProperties = {};
    if (config.messageExpirySeconds !== undefined) {
      other.messageExpiryInterval = config.messageExpirySeconds;
    }
    if (userProperties) other.userProperties = userProperties;
    this.otherProperties = Object.keys(other).length > 0 ? other : undefined;
    this.jsonProperties = { contentType: JSON_CONTENT_TYPE, ...other };
    this.statusProperties = userProperties ? { userProperties } : undefined;
  }

  /** Whether an MQTT 3.1.1 connection loses settings that only MQTT 5 can carry. */
  get needsMqtt5(): boolean {
    return (
      this.config.messageExpirySeconds !== undefined || this.config.userProperties !== undefined
    );
  }

  /**
   * Properties of a state or metadata message (content type, expiry, user properties). Shared
   * by every message of the kind: never change the object returned.
   */
  forMessage(payload: string | Buffer): PublishProperties | undefined {
    return looksLikeJson(payload) ? this.jsonProperties : this.otherProperties;
  }

  /** Properties of the status messages: they never expire (`online` holds while we are up). */
  forStatus(): PublishProperties | undefined {
    return this.statusProperties;
  }

  /**
   * An upper bound of the PUBLISH packet's size: every property this broker's messages may
   * carry, the whole topic even when an alias replaces it.
   */
  packetBytes(topicBytes: number, payloadBytes: number, qos: 0 | 1 | 2, mqtt5: boolean): number {
    const properties = mqtt5
      ? variableByteIntegerLength(this.maxPropertyBytes) + this.maxPropertyBytes
      : 0;
    const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + properties + payloadBytes;
    return 1 + variableByteIntegerLength(remaining) + remaining;
  }
}
