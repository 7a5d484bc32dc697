import type { JsonValue } from '@app/json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PrivacyRule } from './privacy-rule';
import { RuleSet } from './rule-set';
import { deepFreeze, storedRule } from './spec-fixtures';

const TOPIC = 'placeos/org/state/b/l/a/sys-1/drv-1/Mod/1/key';
const TARGET = { id: 'b', secret: 'k' };

const detector = fc.constantFrom('email', 'uuid', 'phone', 'ipv4', 'placeos_user_id' as const);
const action = fc.constantFrom('hash', 'mask', 'replace', 'drop' as const);
const keyPath = fc.constantFrom('a', 'a.b', 'list[*].c', 'list[0]', 'a.*', '*', 'x[*][*].y', '[*]');

const arbitraryRule: fc.Arbitrary<PrivacyRule> = fc
  .record({
    detector: fc.option(detector, { nil: undefined }),
    regex: fc.option(fc.constantFrom('a+', '^b', 'c$', '(x|y)+z', '[0-9]{2}', 'é'), {
      nil: undefined,
    }),
    keys: fc.option(fc.array(keyPath, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    action,
    priority: fc.integer({ min: 0, max: 3 }),
    topic: fc.constantFrom('#', 'placeos/+/state/#', 'placeos/+/metadata/#'),
    keepDomain: fc.boolean(),
  })
  .map(({ detector: name, regex, keys, action: act, priority, topic, keepDomain }) =>
    storedRule({
      action: act,
      priority,
      topic,
      keys,
      match: name ? { detector: name } : regex ? { regex } : undefined,
      mask: { keepStart: 1, keepDomain },
    }),
  );

/** Arbitrary JSON, including lone surrogates, odd keys and deep-ish nesting. */
const anyJson: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 6 }) as fc.Arbitrary<JsonValue>;
const binaryJson: fc.Arbitrary<JsonValue> = fc.jsonValue({
  maxDepth: 4,
  stringUnit: 'binary',
}) as fc.Arbitrary<JsonValue>;

/** Text that no detector can match: lower-case letters and spaces only. */
const harmless = fc.string({
  unit: fc.constantFrom(...'abcdefghij klmnopqrstuvwxyz'),
  maxLength: 40,
});
const harmlessJson: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    harmless,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(harmless, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('RuleSet properties', () => {
  it('never throws and never mutates the input', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryRule, { maxLength: 6 }),
        fc.oneof(anyJson, binaryJson),
        (rules, raw) => {
          const value = deepFreeze(raw);
          const snapshot = JSON.stringify(value);
          const result = RuleSet.compile(rules).apply(TOPIC, value, TARGET);
          expect(JSON.stringify(value)).toBe(snapshot);
          if (result.outcome === 'publish') {
            expect(result.changed).toBe(JSON.stringify(result.value) !== snapshot);
            if (!result.changed) expect(result.value).toBe(value);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('returns values without detector matches unchanged', () => {
    const detectorRules = (['email', 'uuid', 'phone', 'ipv4', 'placeos_user_id'] as const).flatMap(
      (name) =>
        (['hash', 'mask', 'replace', 'drop'] as const).map((act) =>
          storedRule({ action: act, match: { detector: name } }),
        ),
    );
    const set = RuleSet.compile(detectorRules);
    expect(set.size).toBe(20);
    fc.assert(
      fc.property(harmlessJson, (raw) => {
        const value = deepFreeze(raw);
        expect(set.apply(TOPIC, value, TARGET)).toEqual({
          outcome: 'publish',
          value,
          changed: false,
          applied: [],
        });
      }),
      { numRuns: 300 },
    );
  });

  it('hashes every email it is given, wherever it sits in the value', () => {
    const set = RuleSet.compile([storedRule({ action: 'hash', match: { detector: 'email' } })]);
    // Local parts ending in `/ = ? { | }`, a backtick, quote or dot are cut there (see scanners.ts).
    const emails = fc.emailAddress().filter((address) => /[A-Za-z0-9!#$%&*+^_~-]@/.test(address));
    fc.assert(
      fc.property(harmlessJson, emails, (raw, email) => {
        const value = deepFreeze({ wrap: [raw, `see ${email} now`] });
        const out = JSON.stringify(set.apply(TOPIC, value, TARGET));
        expect(out).not.toContain(email);
      }),
      { numRuns: 200 },
    );
  });
});
