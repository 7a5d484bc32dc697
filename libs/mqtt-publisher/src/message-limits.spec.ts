import { describe, expect, it } from 'vitest';
import { invalidTopicReason, refusalReason } from './message-limits';
import { PROFILE_LIMITS, effectiveLimits } from './profile-limits';
import { testBrokerConfig } from './test-support/broker-config';

describe('message limits', () => {
  const aws = effectiveLimits(testBrokerConfig('mqtt://x', { profile: 'aws-iot-core' }));

  it('rejects topic names MQTT does not allow for publishing', () => {
    expect(invalidTopicReason('')).toMatch(/empty/);
    expect(invalidTopicReason('a/+/b')).toMatch(/wildcard/);
    expect(invalidTopicReason('a/#')).toMatch(/wildcard/);
    expect(invalidTopicReason('a\u0000b')).toMatch(/NUL/);
    expect(invalidTopicReason('a/\uD800')).toMatch(/UTF-8/);
    expect(invalidTopicReason('a/\uD83D\uDE00/ü')).toBeUndefined();
  });

  it('counts topic bytes in UTF-8 and levels as slashes + 1', () => {
    // 'a/' + 2 bytes per 'é': 256 bytes fit, 258 do not.
    expect(refusalReason(`a/${'é'.repeat(127)}`, 1, aws, 'aws-iot-core')).toBeUndefined();
    expect(refusalReason(`a/${'é'.repeat(128)}`, 1, aws, 'aws-iot-core')).toBe(
      'topic too long: 258 bytes > 256',
    );
    expect(refusalReason('1/2/3/4/5/6/7/8', 1, aws, 'aws-iot-core')).toBeUndefined();
    expect(refusalReason('1/2/3/4/5/6/7/8/9', 1, aws, 'aws-iot-core')).toMatch(/9 > 8/);
    expect(refusalReason('t', 131_072, aws, 'aws-iot-core')).toBeUndefined();
    expect(refusalReason('t', 131_073, aws, 'aws-iot-core')).toMatch(/payload too large/);
  });

  it("exempts AWS Basic Ingest's $aws/rules/<rule>/ prefix, only for AWS", () => {
    const topic = '$aws/rules/r/1/2/3/4/5/6/7/8';
    expect(refusalReason(topic, 1, aws, 'aws-iot-core')).toBeUndefined();
    expect(refusalReason(topic, 1, aws, 'generic')).toMatch(/levels/);
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
      maxQos: 0,
      maxInFlight: 100,
      maxTopicLevels: 8,
    });
    const generic = effectiveLimits(testBrokerConfig('mqtt://x'));
    expect(generic).toMatchObject({ maxInFlight: 64, maxQos: 2, retainSupported: true });
    expect(generic.maxMessagesPerSecond).toBeUndefined();
    expect(generic.maxTopicLevels).toBeUndefined();
    expect(PROFILE_LIMITS['azure-event-grid']).toMatchObject({
      maxPayloadBytes: 512 * 1024,
      maxQos: 1,
    });
  });
});
