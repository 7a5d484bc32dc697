import { describe, expect, it } from 'vitest';
import { unprotectedDetectors } from './personal-data-scan';
import { RuleSet } from './rule-set';
import { storedRule } from './spec-fixtures';

const TOPIC = 'placeos/org/state/bld/lvl/area/sys/drv/Bookings/1/current';
const TARGET = { id: 'b', secret: 's' };

describe('unprotectedDetectors', () => {
  it('names every detector that finds something in a value no rule changed', () => {
    const value = {
      host: 'alice@example.com',
      attendees: [{ id: '123e4567-e89b-12d3-a456-426614174000', phone: '+61 2 9876 5432' }],
      from: '10.0.0.12',
      by: 'user-G0f6Jj5r2Q',
    };
    expect(unprotectedDetectors(value, value)).toEqual([
      'email',
      'uuid',
      'phone',
      'ipv4',
      'placeos_user_id',
    ]);
  });

  it('finds nothing in values without personal data, primitives or deep values', () => {
    const plain = { status: 'occupied', people: 4, since: 1732500000, tags: ['a-b', '1.2.3'] };
    expect(unprotectedDetectors(plain, plain)).toEqual([]);
    expect(unprotectedDetectors(true, true)).toEqual([]);
    expect(unprotectedDetectors(null, null)).toEqual([]);
    let deep: unknown = 'alice@example.com';
    for (let i = 0; i < 300; i++) deep = [deep];
    expect(unprotectedDetectors(deep as never, deep as never)).toEqual([]);
  });

  it('does not read across leaves: a match needs to be inside one string', () => {
    const value = ['alice@', 'example.com', '10.0', '0.1'];
    expect(unprotectedDetectors(value, value)).toEqual([]);
  });

  it('ignores what a rule produced, and still reports what a rule left as it was', () => {
    const input = { host: 'alice@example.com', other: 'bob@example.org', id: 'user-G0f6Jj5r2Q' };
    const masked = RuleSet.compile([
      storedRule({
        action: 'mask',
        keys: ['host'],
        match: { detector: 'email' },
        mask: { keepDomain: true, keepStart: 1 },
      }),
    ]).apply(TOPIC, input, TARGET);
    if (masked.outcome !== 'publish') throw new Error('expected publish');
    expect(masked.value).toMatchObject({ host: 'a****@example.com' });
    // The masked address still looks like an e-mail, but the one left alone is the finding.
    expect(unprotectedDetectors(masked.value, input)).toEqual(['email', 'placeos_user_id']);

    const hashed = RuleSet.compile([
      storedRule({ action: 'hash', match: { detector: 'email' } }),
      storedRule({ action: 'replace', match: { detector: 'placeos_user_id' } }),
    ]).apply(TOPIC, input, TARGET);
    if (hashed.outcome !== 'publish') throw new Error('expected publish');
    expect(unprotectedDetectors(hashed.value, input)).toEqual([]);
  });
});
