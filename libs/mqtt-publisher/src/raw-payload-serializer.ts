import { MqttRecord, type Serializer } from '@nestjs/microservices';

/**
 * Nest serializer that publishes the payload bytes exactly as given: no `{pattern,data}`
 * envelope, no re-encoding. Strings and Buffers pass through; anything else is JSON.
 */
export class RawPayloadSerializer implements Serializer<{ data?: unknown }, string | Buffer> {
  serialize(packet: { data?: unknown }): string | Buffer {
    const data = packet.data instanceof MqttRecord ? (packet.data.data as unknown) : packet.data;
    if (typeof data === 'string' || Buffer.isBuffer(data)) return data;
    if (data instanceof Uint8Array)
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return JSON.stringify(data ?? null);
  }
}
