import type { BrokerProfile } from '@app/config';
import type { EffectiveLimits } from './profile-limits';

// Lone UTF-16 surrogates cannot be encoded as UTF-8; in `u` mode a valid pair is one code point.
const LONE_SURROGATE = /\p{Cs}/u;
// AWS IoT Core exempts the Basic Ingest prefix `$aws/rules/<rule>/` from its topic limits.
const AWS_BASIC_INGEST = /^\$aws\/rules\/[^/]*\//;

/** Why a topic is not a valid MQTT topic name to publish to, or undefined when it is. */
export function invalidTopicReason(topic: string): string | undefined {
  if (topic.length === 0) return 'invalid topic: empty';
  if (topic.includes('+') || topic.includes('#')) return 'invalid topic: contains a wildcard';
  if (topic.includes('\u0000')) return 'invalid topic: contains NUL';
  if (LONE_SURROGATE.test(topic)) return 'invalid topic: not valid UTF-8';
  return undefined;
}

/**
 * Why a message breaks the broker's limits (or is invalid), or undefined when it may be sent.
 * Refusing here keeps the broker from closing the connection over one bad message.
 */
export function refusalReason(
  topic: string,
  payloadBytes: number,
  limits: EffectiveLimits,
  profile: BrokerProfile,
): string | undefined {
  const invalid = invalidTopicReason(topic);
  if (invalid) return invalid;
  const limited = profile === 'aws-iot-core' ? topic.replace(AWS_BASIC_INGEST, '') : topic;
  const topicBytes = Buffer.byteLength(limited, 'utf8');
  if (topicBytes > limits.maxTopicBytes) {
    return `topic too long: ${topicBytes} bytes > ${limits.maxTopicBytes}`;
  }
  if (limits.maxTopicLevels !== undefined) {
    let levels = 1;
    for (let i = 0; i < limited.length; i++) if (limited.charCodeAt(i) === 0x2f) levels++;
    if (levels > limits.maxTopicLevels) {
      return `too many topic levels: ${levels} > ${limits.maxTopicLevels}`;
    }
  }
  if (payloadBytes > limits.maxPayloadBytes) {
    return `payload too large: ${payloadBytes} bytes > ${limits.maxPayloadBytes}`;
  }
  return undefined;
}
