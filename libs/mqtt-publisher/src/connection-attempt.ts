import type { BrokerConfig } from '@app/config';
import { MqttRecord } from '@nestjs/microservices';
import type { IConnackPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { BridgeClientMqtt } from './bridge-client-mqtt';
import { type AttemptSettings, clientMqttOptions } from './client-options';
import type { MessagePayload } from './latest-value-outbox';
import type { PublishProperties } from './message-properties';
import type { TopicAliases } from './topic-aliases';

// MQTT 3.1.1 CONNACK "unacceptable protocol version" and MQTT 5 "unsupported protocol version".
const PROTOCOL_REFUSED_CODES = new Set([1, 0x84]);

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

/**
 * One connection attempt: a fresh ClientMqtt and its mqtt.js client, from CONNECT until the
 * socket closes. MqttSession makes a new one for every retry.
 */
export class ConnectionAttempt {
  ended = false;
  /** Whether the broker accepted the CONNECT (CONNACK 0). */
  accepted = false;
  /** Whether an error was recorded for this attempt (else a silent close gets a description). */
  errorSeen = false;
  /** What the broker's CONNACK granted (MQTT 5 properties). */
  granted?: IConnackPacket['properties'];
  aliases?: TopicAliases;
  /** Corks the socket until the loop's check phase (see `emit`); off for rate-limited brokers. */
  coalesceWrites = true;
  private corked = false;

  private constructor(
    readonly client: BridgeClientMqtt,
    readonly raw: MqttClient,
    readonly protocolVersion: 4 | 5,
    readonly generation: number,
    /** Settles once the broker accepted the CONNECT, or rejects why it did not. */
    readonly connecting: Promise<unknown>,
  ) {
    raw.on('connect', (connack) => {
      this.granted = connack.properties;
    });
  }

  /** Starts connecting; rejects at once when mqtt.js refuses the options (e.g. the URL). */
  static open(
    config: BrokerConfig,
    settings: AttemptSettings,
    generation: number,
    logger: Logger,
    secrets: readonly string[],
  ): ConnectionAttempt | Promise<never> {
    const client = new BridgeClientMqtt(clientMqttOptions(config, settings), logger, secrets);
    const connecting = client.connect() as Promise<unknown>;
    let raw: MqttClient;
    try {
      raw = client.unwrap<MqttClient>();
    } catch {
      return connecting.then(() => Promise.reject(new Error('MQTT client could not be created')));
    }
    return new ConnectionAttempt(client, raw, settings.protocolVersion, generation, connecting);
  }

  /** Whether this refusal means the broker speaks only MQTT 3.1.1 and 'auto' should use it. */
  refusedMqtt5(configured: BrokerConfig['protocolVersion'], error: unknown): boolean {
    const code = errorCode(error);
    return (
      configured === 'auto' &&
      this.protocolVersion === 5 &&
      !this.accepted &&
      typeof code === 'number' &&
      PROTOCOL_REFUSED_CODES.has(code)
    );
  }

  /** Publishes through ClientMqtt; resolves on PUBACK (QoS 1/2) or socket write (QoS 0). */
  emit(
    topic: string,
    payload: MessagePayload,
    qos: 0 | 1 | 2,
    retain: boolean,
    properties?: PublishProperties,
  ): Promise<unknown> {
    if (this.coalesceWrites) this.corkUntilImmediate();
    // The payload travels inside an MqttRecord: per-message QoS/retain/properties, and
    // ClientMqtt's `delete data.options` touches only the record, never the payload.
    const record = new MqttRecord<MessagePayload>(
      payload,
      properties ? { qos, retain, properties } : { qos, retain },
    );
    try {
      return this.client.publishRecord(topic, record);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * The publishes of one event-loop turn leave in one write. mqtt.js handles each incoming
   * PUBACK in a tick of its own, and mqtt-packet uncorks the socket on the next tick, so the
   * publish each acknowledgement frees went out with a system call of its own: a fifth of the
   * bridge's CPU in a burst. setImmediate runs once the turn's I/O callbacks are done.
   */
  private corkUntilImmediate(): void {
    if (this.corked) return;
    const stream = this.raw.stream as { cork?: () => void; uncork?: () => void } | undefined;
    if (typeof stream?.cork !== 'function' || typeof stream.uncork !== 'function') return;
    stream.cork();
    this.corked = true;
    setImmediate(() => {
      this.corked = false;
      stream.uncork?.();
    });
  }
}
