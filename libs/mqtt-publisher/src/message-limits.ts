import { topicLimitViolations, topicNameProblem } from '@app/topics';
import type { EffectiveLimits } from './profile-limits';
import type { Refusal } from './refusals';

/** What decides whether one message may go to a broker. */
export interface MessageSize {
  topic: string;
  payloadBytes: number;
  /** The PUBLISH packet's size (see MessageProperties.packetBytes). */
  packetBytes: number;
}

/**
 * Why a message must not be sent to this broker, or undefined when it may. Refusing here keeps
 * the broker from closing the connection over one bad message. `maxPacketBytes` is the broker's
 * CONNACK Maximum Packet Size, once known; `maxBytesPerSecond` a message can never fit in.
 */
export function refusalOf(
  message: MessageSize,
  limits: EffectiveLimits,
  maxPacketBytes?: number,
): Refusal | undefined {
  const invalid = topicNameProblem(message.topic);
  if (invalid) return { reason: 'invalid_topic', detail: `invalid topic: ${invalid}` };
  const [violation] = topicLimitViolations(message.topic, limits);
  if (violation) return { reason: violation.kind, detail: violation.detail };
  if (message.payloadBytes > limits.maxPayloadBytes) {
    return {
      reason: 'payload_too_large',
      detail: `payload is ${message.payloadBytes} bytes, broker allows ${limits.maxPayloadBytes}`,
    };
  }
  const packet = packetRefusal(message.packetBytes, maxPacketBytes);
  if (packet) return packet;
  if (limits.maxBytesPerSecond !== undefined && message.packetBytes > limits.maxBytesPerSecond) {
    return {
      reason: 'exceeds_byte_rate',
      detail: `packet is ${message.packetBytes} bytes, more than the ${limits.maxBytesPerSecond} bytes/s the broker allows`,
    };
  }
  return undefined;
}

/** Why a packet is over the broker's CONNACK Maximum Packet Size, or undefined. */
export function packetRefusal(packetBytes: number, maxPacketBytes?: number): Refusal | undefined {
  if (maxPacketBytes === undefined || packetBytes <= maxPacketBytes) return undefined;
  return {
    reason: 'packet_too_large',
    detail: `packet is ${packetBytes} bytes, broker's Maximum Packet Size is ${maxPacketBytes}`,
  };
}
