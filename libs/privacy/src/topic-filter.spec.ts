import { describe, expect, it } from 'vitest';
import { isValidTopicFilter, topicMatchesFilter } from './topic-filter';

describe('isValidTopicFilter', () => {
  it.each(['#', '+', 'a/b', 'a/+/c', 'a/#', '+/+/#', '/', 'a//b', '$SYS/#', 'placeos/+/state/#'])(
    'accepts %j',
    (filter) => expect(isValidTopicFilter(filter)).toBe(true),
  );

  it.each(['', 'a/#/b', 'a#', 'a/b#', '#/a', 'a+/b', 'a/+b', 'a/b\u0000'])('rejects %j', (filter) =>
    expect(isValidTopicFilter(filter)).toBe(false),
  );
});

describe('isValidTopicFilter limits', () => {
  it('rejects filters longer than 65535 UTF-8 bytes', () => {
    expect(isValidTopicFilter('x'.repeat(65535))).toBe(true);
    expect(isValidTopicFilter('x'.repeat(65536))).toBe(false);
    expect(isValidTopicFilter('é'.repeat(32768))).toBe(false);
  });
});

describe('topicMatchesFilter', () => {
  const topic = 'placeos/zone-org/state/zone-b/zone-l/_/sys-1/drv-1/Display/1/power';

  it('matches exact topics only exactly', () => {
    expect(topicMatchesFilter('a/b', 'a/b')).toBe(true);
    expect(topicMatchesFilter('a/b', 'a/b/c')).toBe(false);
    expect(topicMatchesFilter('a/b', 'a')).toBe(false);
    expect(topicMatchesFilter('a/b', 'A/b')).toBe(false);
  });

  it('matches one level with +, including empty levels', () => {
    expect(topicMatchesFilter('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatchesFilter('a/+/c', 'a//c')).toBe(true);
    expect(topicMatchesFilter('a/+/c', 'a/b/x/c')).toBe(false);
    expect(topicMatchesFilter('a/+', 'a')).toBe(false);
    expect(topicMatchesFilter('+/+', '/x')).toBe(true);
  });

  it('matches any remaining levels with #, including the parent level', () => {
    expect(topicMatchesFilter('a/#', 'a')).toBe(true);
    expect(topicMatchesFilter('a/#', 'a/b/c')).toBe(true);
    expect(topicMatchesFilter('a/#', 'ab')).toBe(false);
    expect(topicMatchesFilter('#', topic)).toBe(true);
    expect(topicMatchesFilter('placeos/+/state/#', topic)).toBe(true);
    expect(topicMatchesFilter('placeos/+/metadata/#', topic)).toBe(false);
    expect(topicMatchesFilter('placeos/+/state/+/+/+/+/+/Display/#', topic)).toBe(true);
    expect(topicMatchesFilter('placeos/+/state/+/+/+/+/+/Lights/#', topic)).toBe(false);
  });

  it('does not match $-topics with a leading wildcard', () => {
    expect(topicMatchesFilter('#', '$SYS/broker')).toBe(false);
    expect(topicMatchesFilter('+/broker', '$SYS/broker')).toBe(false);
    expect(topicMatchesFilter('$SYS/#', '$SYS/broker')).toBe(true);
    expect(topicMatchesFilter('a/+', 'a/$x')).toBe(true);
  });

  it('never matches with an invalid filter', () => {
    expect(topicMatchesFilter('a/#/b', 'a/x/b')).toBe(false);
    expect(topicMatchesFilter('', '')).toBe(false);
  });
});
