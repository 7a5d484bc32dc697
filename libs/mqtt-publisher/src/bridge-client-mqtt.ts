import { Logger } from '@nestjs/common';
import { ClientMqtt, type MqttOptions, type MqttRecord } from '@nestjs/microservices';
import type { Logger as PinoLogger } from 'pino';
import { summarizeError } from './error-summary';

/** Options ClientMqtt accepts: mqtt.js client options plus url and serializer. */
export type ClientMqttOptions = Required<MqttOptions>['options'];

/**
 * Sends ClientMqtt's own console logging to pino at debug level: BrokerConnection already logs
 * every connection event with the broker id, and Nest's console logger would print raw errors.
 */
class DebugPinoNestLogger extends Logger {
  constructor(
    private readonly sink: PinoLogger,
    private readonly secrets: readonly string[],
  ) {
    super('ClientMqtt');
  }

  override log(message: unknown): void {
    this.write(message);
  }
  override error(message: unknown): void {
    this.write(message);
  }
  override warn(message: unknown): void {
    this.write(message);
  }
  override debug(message: unknown): void {
    this.write(message);
  }
  override verbose(message: unknown): void {
    this.write(message);
  }
  override fatal(message: unknown): void {
    this.write(message);
  }

  private write(message: unknown): void {
    this.sink.debug({ detail: summarizeError(message, this.secrets) }, 'ClientMqtt');
  }
}

/**
 * ClientMqtt whose internal logging goes to the broker connection's pino logger, and which
 * publishes a record straight through the proxy's event dispatch once connected.
 */
export class BridgeClientMqtt extends ClientMqtt {
  protected override readonly logger: Logger;

  constructor(options: ClientMqttOptions, sink: PinoLogger, secrets: readonly string[]) {
    super(options);
    this.logger = new DebugPinoNestLogger(sink, secrets);
  }

  /**
   * `emit()` for a connected client: the same serializer and per-record options, without the
   * observable `emit` wraps every event in (a deferred connect, a connectable subject and a
   * merge, several microseconds a message on a path that carries every state change).
   * Resolves on PUBACK (QoS 1/2) or on the socket write (QoS 0).
   */
  publishRecord(topic: string, record: MqttRecord<string | Buffer>): Promise<void> {
    return this.dispatchEvent({ pattern: topic, data: record });
  }
}
