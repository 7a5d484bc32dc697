import { describe, expect, it } from 'vitest';
import { refusalOf } from './message-limits';
import { PROFILE_LIMITS, effectiveLimits } from './profile-limits';
import { testBrokerConfig } from './test-support/broker-config';

const message = (topic: string, payloadBytes = 1, packetBytes = payloadBytes + 50) => ({
  topic,
  payloadBytes,
  packetBytes,
});

describe('message limits', () => {
  const aws = effectiveLimits(testBrokerConfig('mqtt://x', { profile: 'aws-iot-core' }));
  const generic = effectiveLimits(testBrokerConfig('mqtt://x'));

  it('refuses topic names MQTT does not allow for publishing', () => {
    for (const topic of ['', 'a/+/b', 'a/#', 'a\u0000b', 'a/\uD800']) {
      expect(refusalOf(message(topic), generic)?.reason).toBe('invalid_topic');
    }
    expect(refusalOf(message('a/\uD83D\uDE00/ü'), generic)).toBeUndefined();
  });

  it('counts topic bytes in UTF-8 and levels as slashes + 1', () => {
    // 'a/' + 2 bytes per 'é': 256 bytes fit, 258 do not.
    expect(refusalOf(message(`a/${'é'.repeat(127)}`), aws)).toBeUndefined();
    expect(refusalOf(message(`a/${'é'.repeat(128)}`), aws)).toEqual({
      reason: 'topic_bytes',
      detail: 'topic is 258 bytes, broker allows 256',
    });
    expect(refusalOf(message('1/2/3/4/5/6/7/8'), aws)).toBeUndefined();
    expect(refusalOf(message('1/2/3/4/5/6/7/8/9'), aws)).toEqual({
      reason: 'topic_levels',
      detail: 'topic has 9 levels, broker allows 8',
    });
    expect(refusalOf(message('t', 131_072), aws)).toBeUndefined();
    expect(refusalOf(message('t', 131_073), aws)?.reason).toBe('payload_too_large');
  });

  it("exempts AWS Basic Ingest's $aws/rules/<rule>/ prefix, only for AWS", () => {
    const topic = '$aws/rules/r/1/2/3/4/5/6/7/8';
    expect(refusalOf(message(topic), aws)).toBeUndefined();
    expect(refusalOf(message(topic), { ...generic, maxTopicLevels: 8 })?.reason).toBe(
      'topic_levels',
    );
  });

  it("refuses a packet over the broker's Maximum Packet Size, and one no second could carry", () => {
    expect(refusalOf(message('t', 100, 150), generic, 150)).toBeUndefined();
    expect(refusalOf(message('t', 100, 151), generic, 150)).toEqual({
      reason: 'packet_too_large',
      detail: "packet is 151 bytes, broker's Maximum Packet Size is 150",
    });
    const slow = { ...generic, maxBytesPerSecond: 1000 };
    expect(refusalOf(message('t', 900, 1001), slow)?.reason).toBe('exceeds_byte_rate');
  });

  it('merges explicit limits over the profile preset', () => {
    const limits = effectiveLimits(
      testBrokerConfig('mqtt://x', {
        profile: 'aws-iot-core',
        limits: { maxMessagesPerSecond: 20, maxQos: 0 },
      }),
    );
    expect(limits).toMatchObject({
      maxMessagesPerSecond: 20,
      maxBytesPerSecond: 512 * 1024,
      maxQos: 0,
      maxInFlight: 100,
      maxTopicLevels: 8,
      exemptAwsBasicIngest: true,
    });
    expect(generic).toMatchObject({ maxInFlight: 64, maxQos: 2, retainSupported: true });
    expect(generic.maxMessagesPerSecond).toBeUndefined();
    expect(generic.maxBytesPerSecond).toBeUndefined();
    expect(generic.maxTopicLevels).toBeUndefined();
    expect(PROFILE_LIMITS['azure-event-grid']).toMatchObject({
      maxMessagesPerSecond: 1000,
      maxBytesPerSecond: 1_000_000,
      maxPayloadBytes: 512 * 1024,
      maxQos: 1,
    });
  });

  it("caps retained messages at Azure Event Grid's 64 KB, not messages that are not retained", () => {
    const retained = effectiveLimits(testBrokerConfig('mqtt://x', { profile: 'azure-event-grid' }));
    expect(retained.maxPayloadBytes).toBe(64 * 1024);
    const live = effectiveLimits(
      testBrokerConfig('mqtt://x', { profile: 'azure-event-grid', retain: false }),
    );
    expect(live.maxPayloadBytes).toBe(512 * 1024);
  });
});
