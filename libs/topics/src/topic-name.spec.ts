import { describe, expect, it } from 'vitest';
import {
  isValidTopicName,
  topicLevelCount,
  topicLimitProblem,
  topicLimitViolations,
  topicNameProblem,
} from './topic-name';

describe('isValidTopicName', () => {
  it.each(['a', 'placeos/org/state/x', '/', 'a//b', '$aws/rules/x', 'Café/😀', 'a b'])(
    'accepts %j',
    (topic) => {
      expect(isValidTopicName(topic)).toBe(true);
    },
  );

  it.each([
    ['', 'empty'],
    ['a/+/b', "wildcard '+'"],
    ['a/#', "wildcard '#'"],
    ['a\u0000b', 'NUL'],
    ['a\ud800', 'lone surrogate'],
    ['\udc00a', 'lone surrogate'],
    ['\ud800\ud800', 'lone surrogate'],
  ])('rejects %j (%s)', (topic, reason) => {
    expect(isValidTopicName(topic)).toBe(false);
    expect(topicNameProblem(topic)).toContain(reason);
  });

  it('counts UTF-8 bytes, not UTF-16 units, against the 65535-byte limit', () => {
    expect(isValidTopicName('a'.repeat(65_535))).toBe(true);
    expect(topicNameProblem('a'.repeat(65_536))).toBe('topic is 65536 bytes, MQTT allows 65535');
    // 21845 × 3 bytes = 65535; one more é (2 bytes) is over.
    expect(isValidTopicName('日'.repeat(21_845))).toBe(true);
    expect(isValidTopicName(`${'日'.repeat(21_845)}é`)).toBe(false);
    expect(isValidTopicName('😀'.repeat(16_383))).toBe(true);
    expect(isValidTopicName('😀'.repeat(16_384))).toBe(false);
  });
});

describe('topicLimitProblem', () => {
  const standard = 'placeos/org-donor/state/cards/nek/2042/cs-9445/12345/Display/1/power';

  it('reports too many levels, as AWS IoT Core would refuse the standard topic', () => {
    expect(topicLevelCount(standard)).toBe(11);
    expect(topicLimitProblem(standard, { maxTopicLevels: 8 })).toBe(
      'topic has 11 levels, broker allows 8',
    );
    expect(topicLimitProblem(standard, { maxTopicLevels: 11 })).toBeUndefined();
  });

  it('reports too many UTF-8 bytes', () => {
    expect(topicLimitProblem('é'.repeat(10), { maxTopicBytes: 19 })).toBe(
      'topic is 20 bytes, broker allows 19',
    );
    expect(topicLimitProblem('é'.repeat(10), { maxTopicBytes: 20 })).toBeUndefined();
  });

  it('reports both limits together and nothing without limits', () => {
    expect(topicLimitProblem('a/b/c', { maxTopicLevels: 2, maxTopicBytes: 4 })).toBe(
      'topic has 3 levels, broker allows 2; topic is 5 bytes, broker allows 4',
    );
    expect(topicLimitProblem(standard, {})).toBeUndefined();
  });

  it('names the kind of each violation, for refusal counters', () => {
    expect(topicLimitViolations('a/b/c', { maxTopicLevels: 2, maxTopicBytes: 4 })).toEqual([
      { kind: 'topic_levels', detail: 'topic has 3 levels, broker allows 2' },
      { kind: 'topic_bytes', detail: 'topic is 5 bytes, broker allows 4' },
    ]);
    expect(topicLimitViolations('a/b', { maxTopicLevels: 2 })).toEqual([]);
  });

  it("leaves AWS IoT Core's Basic Ingest prefix $aws/rules/<rule>/ out of the count", () => {
    const aws = { maxTopicLevels: 8, maxTopicBytes: 256, exemptAwsBasicIngest: true };
    const ingest = `$aws/rules/my_rule/1/2/3/4/5/6/7/${'x'.repeat(240)}`;
    expect(topicLimitProblem(ingest, aws)).toBeUndefined();
    expect(topicLimitProblem(`${ingest}/9`, aws)).toBe('topic has 9 levels, broker allows 8');
    // Only the prefix is exempt, and only where the broker says so.
    expect(topicLimitProblem('x/$aws/rules/r/1/2/3/4/5/6/7', aws)).toMatch(/11 levels/);
    expect(topicLimitProblem(ingest, { ...aws, exemptAwsBasicIngest: false })).toMatch(/levels/);
  });

  it('counts empty levels', () => {
    expect(topicLevelCount('/')).toBe(2);
    expect(topicLevelCount('a')).toBe(1);
    expect(topicLevelCount('a//b/')).toBe(4);
  });
});
