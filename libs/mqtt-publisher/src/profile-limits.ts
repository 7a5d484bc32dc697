import type { BrokerConfig, BrokerLimitsConfig, BrokerProfile } from '@app/config';

/** Largest topic name MQTT can carry (two-byte length prefix). */
const MQTT_MAX_TOPIC_BYTES = 65_535;
/** Largest payload an MQTT packet can carry (variable byte integer limit minus headers, rounded). */
const MQTT_MAX_PAYLOAD_BYTES = 268_435_455;
const DEFAULT_MAX_IN_FLIGHT = 64;

/** Limits of one broker after merging its profile preset with the explicit config. */
export interface EffectiveLimits {
  /** Token-bucket rate for publishes; undefined means unlimited. */
  maxMessagesPerSecond?: number;
  maxInFlight: number;
  maxTopicBytes: number;
  /** Levels = slashes + 1; undefined means unlimited. */
  maxTopicLevels?: number;
  maxPayloadBytes: number;
  maxQos: 0 | 1 | 2;
  retainSupported: boolean;
}

/**
 * Presets from the cloud brokers' published quotas (spec peers.md §2). Explicit `limits` in a
 * broker's config override any field.
 */
export const PROFILE_LIMITS: Record<BrokerProfile, BrokerLimitsConfig> = {
  generic: {
    maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    maxTopicBytes: MQTT_MAX_TOPIC_BYTES,
    maxPayloadBytes: MQTT_MAX_PAYLOAD_BYTES,
    maxQos: 2,
    retainSupported: true,
  },
  // 100 publishes/s and 100 unacked in-flight per connection; 256-byte topics with at most
  // 7 slashes; 128 KB payloads; QoS 2 is never acknowledged.
  'aws-iot-core': {
    maxMessagesPerSecond: 100,
    maxInFlight: 100,
    maxTopicBytes: 256,
    maxTopicLevels: 8,
    maxPayloadBytes: 128 * 1024,
    maxQos: 1,
    retainSupported: true,
  },
  // 1,000 messages/s per session, 512 KiB packets, a QoS 2 publish closes the connection.
  'azure-event-grid': {
    maxMessagesPerSecond: 1000,
    maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    maxTopicBytes: MQTT_MAX_TOPIC_BYTES,
    maxPayloadBytes: 512 * 1024,
    maxQos: 1,
    retainSupported: true,
  },
  'hivemq-cloud': {
    maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    maxTopicBytes: MQTT_MAX_TOPIC_BYTES,
    maxPayloadBytes: MQTT_MAX_PAYLOAD_BYTES,
    maxQos: 2,
    retainSupported: true,
  },
  // EMQX Cloud Serverless: 10 publishes/s per client, 1 MB messages.
  'emqx-cloud': {
    maxMessagesPerSecond: 10,
    maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    maxTopicBytes: MQTT_MAX_TOPIC_BYTES,
    maxPayloadBytes: 1024 * 1024,
    maxQos: 2,
    retainSupported: true,
  },
};

function positiveInteger(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined;
  return Math.floor(value);
}

/** Merges the profile preset with the broker's explicit limits (explicit wins). */
export function effectiveLimits(config: BrokerConfig): EffectiveLimits {
  const preset = PROFILE_LIMITS[config.profile] ?? PROFILE_LIMITS.generic;
  const merged: BrokerLimitsConfig = { ...preset };
  for (const [key, value] of Object.entries(config.limits ?? {})) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  // A rate below one per second still has to let messages through, just slowly.
  const rate = merged.maxMessagesPerSecond;
  return {
    maxMessagesPerSecond:
      rate !== undefined && Number.isFinite(rate) && rate > 0 ? rate : undefined,
    maxInFlight: positiveInteger(merged.maxInFlight) ?? DEFAULT_MAX_IN_FLIGHT,
    maxTopicBytes: Math.min(
      positiveInteger(merged.maxTopicBytes) ?? MQTT_MAX_TOPIC_BYTES,
      MQTT_MAX_TOPIC_BYTES,
    ),
    maxTopicLevels: positiveInteger(merged.maxTopicLevels),
    maxPayloadBytes: Math.min(
      positiveInteger(merged.maxPayloadBytes) ?? MQTT_MAX_PAYLOAD_BYTES,
      MQTT_MAX_PAYLOAD_BYTES,
    ),
    maxQos: merged.maxQos ?? 2,
    retainSupported: merged.retainSupported ?? true,
  };
}
