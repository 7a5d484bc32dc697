import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '@app/json';
import type { PrivacyRuleInput } from './privacy-rule';
import { RuleSet } from './rule-set';
import { storedRule } from './spec-fixtures';

const TOPIC = 'placeos/org/state/bld/lvl/area/sys-1/drv/Bookings/1/current';
const TARGET = { id: 'cloud', secret: 's'.repeat(32) };

/** One rule of each kind the text pre-check reasons about. */
const RULES: PrivacyRuleInput[] = [
  { name: 'emails', match: { detector: 'email' }, action: 'hash' },
  { name: 'phones', match: { detector: 'phone' }, action: 'mask' },
  { name: 'uuids', match: { detector: 'uuid' }, action: 'replace' },
  { name: 'ips', match: { detector: 'ipv4' }, action: 'mask' },
  { name: 'users', match: { detector: 'placeos_user_id' }, action: 'hash' },
  { name: 'rooms', match: { regex: 'room-[0-9]+', flags: 'i' }, action: 'replace' },
  { name: 'secret', match: { regex: 'TOP SECRET' }, action: 'drop' },
  { name: 'codes', match: { regex: '[A-Z]{3}-[0-9]{4}' }, action: 'mask' },
  { name: 'anchored', match: { regex: '^draft' }, action: 'replace' },
  { name: 'hosts', keys: ['host'], action: 'mask' },
  { name: 'attendees', keys: ['attendees[*].name'], action: 'hash' },
  { name: 'titles', keys: ['title'], match: { regex: 'confidential', flags: 'i' }, action: 'drop' },
  { name: 'first', keys: ['[0]'], action: 'replace' },
];

/** Strings made of the pieces the detectors and patterns look for, and near misses. */
const piece = fc.constantFrom(
  'ada@example.com',
  'ada@example',
  '+61 2 9876 5432',
  '555-123-4567',
  '1234567890',
  '123e4567-e89b-12d3-a456-426614174000',
  '10.0.0.1',
  '10.0.0',
  'user-G0f6Jj5r2Q',
  'ROOM-12',
  'room-',
  'TOP SECRET',
  'ABC-1234',
  'AB-123',
  'draft',
  'Confidential',
  'x',
  ' ',
  'é',
  'ſ',
  '"',
  '\\',
);
const text = fc.array(piece, { maxLength: 3 }).map((parts) => parts.join(''));
const key = fc.constantFrom('host', 'title', 'attendees', 'name', 'note', 'id');
const value = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('RuleSet.mayChange', () => {
  it('is false only for values every rule leaves alone', () => {
    for (const input of RULES) {
      const rules = RuleSet.compile([storedRule(input)]);
      fc.assert(
        fc.property(value, (generated) => {
          const json = JSON.stringify(generated);
          if (rules.mayChange(TOPIC, TARGET.id, json)) return;
          const result = rules.apply(TOPIC, JSON.parse(json) as JsonValue, TARGET);
          expect(result.outcome, `${input.name} on ${json}`).toBe('publish');
          expect(result.applied, `${input.name} on ${json}`).toEqual([]);
        }),
        { numRuns: 400 },
      );
    }
  });

  it('rules out what a value plainly lacks, without parsing it', () => {
    const unanchored = RULES.filter((input) => input.name !== 'anchored');
    const rules = RuleSet.compile(unanchored.map((input) => storedRule(input)));
    expect(rules.mayChange(TOPIC, TARGET.id, 'true')).toBe(false);
    expect(rules.mayChange(TOPIC, TARGET.id, '{"level":3,"power":"on"}')).toBe(false);
    expect(rules.mayChange(TOPIC, TARGET.id, '{"note":"call ada@example.com"}')).toBe(true);
    expect(rules.mayChange(TOPIC, TARGET.id, '{"host":1}')).toBe(true);
    // Escapes hide what a string holds from the text: no conclusion.
    expect(rules.mayChange(TOPIC, TARGET.id, '"\\u0041"')).toBe(true);
    expect(rules.mayChange('placeos/other', TARGET.id, '"ada@example.com"')).toBe(true);
    expect(RuleSet.EMPTY.mayChange(TOPIC, TARGET.id, '"ada@example.com"')).toBe(false);
    // An anchored pattern matches a leaf's start, which in the text is a quote: no conclusion.
    const withAnchor = RuleSet.compile(RULES.map((input) => storedRule(input)));
    expect(withAnchor.mayChange(TOPIC, TARGET.id, 'true')).toBe(true);
  });
});
