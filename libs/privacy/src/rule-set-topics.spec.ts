import { describe, expect, it } from 'vitest';
import { RuleSet } from './rule-set';
import { storedRule } from './spec-fixtures';

const levels = (topic: string) => topic.split('/');

describe('RuleSet.mayApplyTo', () => {
  it('is true when some enabled rule filter matches the topic, whatever its brokers', () => {
    const set = RuleSet.compile([
      storedRule({ action: 'drop', topic: 'placeos/+/state/+/+/+/+/+/Bookings/#' }),
      storedRule({ action: 'hash', topic: 'placeos/+/metadata/+', brokers: ['aws'] }),
      storedRule({ action: 'drop', topic: '#', enabled: false }),
    ]);
    expect(set.mayApplyTo(levels('placeos/o/state/b/l/a/s/d/Bookings/1/current'))).toBe(true);
    expect(set.mayApplyTo(levels('placeos/o/metadata/sys-1'))).toBe(true);
    expect(set.mayApplyTo(levels('placeos/o/state/b/l/a/s/d/Display/1/power'))).toBe(false);
    expect(RuleSet.EMPTY.mayApplyTo(levels('placeos/o/metadata/sys-1'))).toBe(false);
  });

  it('answers for one broker when given one', () => {
    const set = RuleSet.compile([
      storedRule({ action: 'hash', topic: 'placeos/+/metadata/+', brokers: ['aws'] }),
    ]);
    expect(set.mayApplyTo(levels('placeos/o/metadata/sys-1'), 'aws')).toBe(true);
    expect(set.mayApplyTo(levels('placeos/o/metadata/sys-1'), 'local')).toBe(false);
  });
});

describe('RuleSet.difference', () => {
  const hash = storedRule({ action: 'hash', match: { detector: 'email' } }, { id: 'h' });
  const drop = storedRule({ action: 'drop', topic: 'placeos/+/state/#' }, { id: 'd' });

  it('holds the rules only one set has, compared by what they do and their place in the order', () => {
    const a = RuleSet.compile([hash, drop]);
    expect(RuleSet.difference(a, RuleSet.compile([hash, drop])).size).toBe(0);
    // Renaming changes nothing a broker receives.
    expect(RuleSet.difference(a, RuleSet.compile([{ ...hash, name: 'renamed' }, drop])).size).toBe(
      0,
    );
    expect(RuleSet.difference(a, RuleSet.compile([hash])).size).toBe(1);
    expect(RuleSet.difference(a, RuleSet.compile([{ ...hash, priority: 7 }, drop])).size).toBe(2);
    expect(RuleSet.difference(a, RuleSet.compile([{ ...hash, action: 'mask' }, drop])).size).toBe(
      2,
    );
    expect(RuleSet.difference(a, RuleSet.compile([hash, { ...drop, enabled: false }])).size).toBe(
      1,
    );
    const differing = RuleSet.difference(a, RuleSet.compile([hash]));
    expect(differing.mayApplyTo(levels('placeos/o/state/x'))).toBe(true);
    expect(differing.mayApplyTo(levels('placeos/o/metadata/x'))).toBe(false);
  });
});
