import type { BrokerConfig, BrokerLimitsConfig, BrokerProfile } from '@app/config';
import { MQTT_MAX_TOPIC_BYTES, type TopicLimits } from '@app/topics';

/** Largest payload an MQTT packet can carry (variable byte integer limit minus headers, rounded). */
const MQTT_MAX_PAYLOAD_BYTES = 268_435_455;
const DEFAULT_MAX_IN_FLIGHT = 64;
const KIB = 1024;

/** Limits of one broker after merging its profile preset with the explicit config. */
export interface EffectiveLimits extends TopicLimits {
  /** Publishes per second per connection (any sliding second); undefined means unlimited. */
  maxMessagesPerSecond?: number;
  /** MQTT packet bytes per second per connection (any sliding second); undefined: unlimited. */
  maxBytesPerSecond?: number;
  /** Unacknowledged publishes per connection; the broker's Receive Maximum may lower it. */
  maxInFlight: number;
  maxTopicBytes: number;
  /** Levels = slashes + 1; undefined means unlimited. */
  maxTopicLevels?: number;
  /** For this broker's messages: the retained-message cap applies when they are retained. */
  maxPayloadBytes: number;
  maxQos: 0 | 1 | 2;
  retainSupported: boolean;
  exemptAwsBasicIngest: boolean;
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
  // Per connection: 100 publishes/s, 512 KB/s, 100 unacknowledged; topics of at most 256 bytes
  // and 7 slashes ($aws/rules/<rule>/ exempt); 128 KB payloads; QoS 2 is never acknowledged.
  'aws-iot-core': {
    maxMessagesPerSecond: 100,
    maxBytesPerSecond: 512 * KIB,
    maxInFlight: 100,
    maxTopicBytes: 256,
    maxTopicLevels: 8,
    maxPayloadBytes: 128 * KIB,
    maxQos: 1,
    retainSupported: true,
  },
  // Per session: 1,000 messages/s and 1 MB/s; 512 KiB packets, retained messages up to 64 KB;
  // a QoS 2 publish closes the connection.
  'azure-event-grid': {
    maxMessagesPerSecond: 1000,
    maxBytesPerSecond: 1_000_000,
    maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    maxTopicBytes: MQTT_MAX_TOPIC_BYTES,
    maxPayloadBytes: 512 * KIB,
    maxRetainedPayloadBytes: 64 * KIB,
    maxQos: 1,
    retainSupported: true,
  },
  // Fully MQTT compliant; no per-connection rate or topic limit published.
  'hivemq-cloud': {
    maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    maxTopicBytes: MQTT_MAX_TOPIC_BYTES,
    maxPayloadBytes: MQTT_MAX_PAYLOAD_BYTES,
    maxQos: 2,
    retainSupported: true,
  },
  // EMQX Cloud Serverless: 10 publishes/s per client, 1 MB messages (its 10-level limit is on
  // subscriptions, not on the topics published).
  'emqx-cloud': {
    maxMessagesPerSecond: 10,
    maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    maxTopicBytes: MQTT_MAX_TOPIC_BYTES,
    maxPayloadBytes: 1024 * KIB,
    maxQos: 2,
    retainSupported: true,
  },
};

/**
 * The topic template a profile uses when the canonical state topic breaks its topic limits and
 * none is configured. AWS IoT Core allows 7 slashes; the canonical topic has 10. This one keeps
 * topics distinct: levels are percent-encoded (never a `/`), and `{index}` is digits only, so
 * the last `_` of `{module}_{index}` always separates them.
 */
export const PROFILE_TOPIC_TEMPLATES: Partial<Record<BrokerProfile, string>> = {
  'aws-iot-core': 'placeos/{org}/{system}/{module}_{index}/{key}',
};

function positiveInteger(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined;
  return Math.floor(value);
}

function positiveRate(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Merges the profile preset with the broker's explicit limits (explicit wins). */
export function effectiveLimits(config: BrokerConfig): EffectiveLimits {
  const preset = PROFILE_LIMITS[config.profile] ?? PROFILE_LIMITS.generic;
  const merged: BrokerLimitsConfig = { ...preset };
  for (const [key, value] of Object.entries(config.limits ?? {})) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  const retainSupported = merged.retainSupported ?? true;
  const retained = (config.retain ?? true) && retainSupported;
  const payload = Math.min(
    positiveInteger(merged.maxPayloadBytes) ?? MQTT_MAX_PAYLOAD_BYTES,
    MQTT_MAX_PAYLOAD_BYTES,
  );
  const retainedCap = retained ? positiveInteger(merged.maxRetainedPayloadBytes) : undefined;
  return {
    // A rate below one per second still has to let messages through, just slowly.
    maxMessagesPerSecond: positiveRate(merged.maxMessagesPerSecond),
    maxBytesPerSecond: positiveRate(merged.maxBytesPerSecond),
    maxInFlight: positiveInteger(merged.maxInFlight) ?? DEFAULT_MAX_IN_FLIGHT,
    maxTopicBytes: Math.min(
      positiveInteger(merged.maxTopicBytes) ?? MQTT_MAX_TOPIC_BYTES,
      MQTT_MAX_TOPIC_BYTES,
    ),
    maxTopicLevels: positiveInteger(merged.maxTopicLevels),
    maxPayloadBytes: retainedCap !== undefined ? Math.min(payload, retainedCap) : payload,
    maxQos: merged.maxQos ?? 2,
    retainSupported,
    exemptAwsBasicIngest: config.profile === 'aws-iot-core',
  };
}
