import { describe, expect, it } from 'vitest';
import {
  metadataTopic,
  parseStateTopicLevels,
  type StateTopicParts,
  stateTopic,
  stateTopicLevelCount,
} from './state-topic';

const parts: StateTopicParts = {
  org: 'org-donor',
  levels: ['cards', 'nek', '2042'],
  systemId: 'cs-9445',
  driverId: '12345',
  moduleName: "M'Odule",
  index: 1,
  key: 'power',
};

describe('stateTopic', () => {
  it('builds the canonical topic', () => {
    expect(stateTopic(parts)).toBe(
      "placeos/org-donor/state/cards/nek/2042/cs-9445/12345/M'Odule/1/power",
    );
    expect(stateTopicLevelCount(4)).toBe(11);
  });

  it('writes MISSING_LEVEL as _ in hierarchy levels but encodes a literal _ anywhere else', () => {
    const topic = stateTopic({ ...parts, levels: ['_', 'nek', '_'], moduleName: '_', key: '_' });
    expect(topic).toBe('placeos/org-donor/state/_/nek/_/cs-9445/12345/%5F/1/%5F');
  });

  it('rejects an index that is not a positive integer', () => {
    for (const index of [0, -1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => stateTopic({ ...parts, index })).toThrow('positive integer');
    }
  });
});

describe('metadataTopic', () => {
  it('matches the upstream vector with the org id and encodes both levels', () => {
    expect(metadataTopic('hello', 'mod-1234')).toBe('placeos/hello/metadata/mod-1234');
    expect(metadataTopic('org+1', 'a/b')).toBe('placeos/org%2B1/metadata/a%2Fb');
  });
});

describe('parseStateTopicLevels', () => {
  it('inverts stateTopic', () => {
    expect(parseStateTopicLevels(stateTopic(parts), 4)).toEqual(parts);
    const nasty = { ...parts, levels: ['_', 'a/b', ''], moduleName: 'A/V', key: '#', index: 12 };
    expect(parseStateTopicLevels(stateTopic(nasty), 4)).toEqual(nasty);
  });

  it.each([
    ['wrong level count', "placeos/org-donor/state/cards/nek/cs-9445/12345/M'Odule/1/power"],
    ['not placeos', "other/org-donor/state/cards/nek/2042/cs-9445/12345/M'Odule/1/power"],
    ['not state', "placeos/org-donor/metadata/cards/nek/2042/cs-9445/12345/M'Odule/1/power"],
    ['index 0', "placeos/org-donor/state/cards/nek/2042/cs-9445/12345/M'Odule/0/power"],
    ['index 01', "placeos/org-donor/state/cards/nek/2042/cs-9445/12345/M'Odule/01/power"],
    [
      'huge index',
      "placeos/org-donor/state/cards/nek/2042/cs-9445/12345/M'Odule/9999999999999999/power",
    ],
    ['bad escape', "placeos/org-donor/state/cards/nek/2042/cs-9445/12345/M'Odule/1/pow%2"],
    ['lowercase escape', 'placeos/org-donor/state/cards/nek/2042/cs-9445/12345/A%2fV/1/power'],
    ['_ as a module name', 'placeos/org-donor/state/cards/nek/2042/cs-9445/12345/_/1/power'],
    ['_ as the org', "placeos/_/state/cards/nek/2042/cs-9445/12345/M'Odule/1/power"],
    ['wildcard', "placeos/org-donor/state/+/nek/2042/cs-9445/12345/M'Odule/1/power"],
    ['empty level', "placeos/org-donor/state//nek/2042/cs-9445/12345/M'Odule/1/power"],
  ])('rejects %s', (_reason, topic) => {
    expect(parseStateTopicLevels(topic, 4)).toBeUndefined();
  });
});
