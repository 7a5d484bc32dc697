import { describe, expect, it } from 'vitest';
import { normalizeRule } from './normalize-rule';
import type { PrivacyRuleInput } from './privacy-rule';
import { ruleProblems } from './rule-problems';

const base: PrivacyRuleInput = { name: 'r', action: 'hash' };

function problemsOf(extra: Record<string, unknown>): string[] {
  return ruleProblems({ ...base, ...extra });
}

describe('ruleProblems', () => {
  it('accepts minimal and complete valid rules', () => {
    expect(ruleProblems(base)).toEqual([]);
    expect(
      ruleProblems({
        name: 'hash-booking-emails',
        description: 'd',
        enabled: true,
        priority: -5,
        topic: 'placeos/+/state/#',
        brokers: ['*', 'cloud'],
        match: { regex: '(?i)room-[0-9]+\\b', flags: 'imsu' },
        keys: ['host.email', 'attendees[*].email', 'a["b c"]'],
        action: 'mask',
        mask: { char: '😀', keepStart: 1, keepEnd: 0, keepDomain: true },
        replacement: 'ignored for mask',
      }),
    ).toEqual([]);
  });

  it('accepts mask and replacement given for another action (they are ignored)', () => {
    expect(problemsOf({ action: 'drop', mask: { char: '#' }, replacement: 'x' })).toEqual([]);
  });

  it.each([
    ['(a)\\1', /backreferences/],
    ['(?=a)', /RE2/],
    ['(?<=a)b', /RE2/],
    ['(?!a)', /RE2/],
    ['[', /RE2/],
    ['a{1001}', /RE2/],
  ])('explains regex %j that RE2 cannot run', (regex, message) => {
    const problems = problemsOf({ match: { regex } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^match\.regex: /);
    expect(problems[0]).toMatch(message);
  });

  it('rejects flags outside imsu, repeated flags and overlong patterns', () => {
    expect(problemsOf({ match: { regex: 'a', flags: 'g' } })[0]).toMatch(
      /^match\.flags: .*always global/,
    );
    expect(problemsOf({ match: { regex: 'a', flags: 'y' } })[0]).toMatch(/^match\.flags/);
    expect(problemsOf({ match: { regex: 'a', flags: 'ii' } })[0]).toMatch(/^match\.flags/);
    expect(problemsOf({ match: { regex: 'a'.repeat(1001) } })[0]).toMatch(/longer than 1000/);
    expect(problemsOf({ match: { regex: '' } })[0]).toMatch(/non-empty/);
  });

  it('rejects unknown detectors and ambiguous matches', () => {
    expect(problemsOf({ match: { detector: 'ssn' } })[0]).toMatch(
      /email, uuid, phone, ipv4, placeos_user_id/,
    );
    expect(problemsOf({ match: { detector: 'email', regex: 'a' } })[0]).toMatch(/exactly one/);
    expect(problemsOf({ match: {} })[0]).toMatch(/exactly one/);
    expect(problemsOf({ match: 'email' })[0]).toMatch(/^match:/);
  });

  it('rejects invalid topic filters, broker lists and key paths', () => {
    expect(problemsOf({ topic: 'a/#/b' })[0]).toMatch(
      /^topic: "a\/#\/b" is not a valid MQTT topic filter/,
    );
    expect(problemsOf({ topic: 'a+' })).toHaveLength(1);
    expect(problemsOf({ brokers: [] })[0]).toMatch(/^brokers:/);
    expect(problemsOf({ brokers: ['ok', ''] })[0]).toMatch(/^brokers\[1\]/);
    expect(problemsOf({ keys: ['ok', 'a..b'] })[0]).toMatch(
      /^keys\[1\]: "a..b" is not a valid key path/,
    );
    expect(problemsOf({ keys: Array.from({ length: 65 }, (_, i) => `k${i}`) })[0]).toMatch(
      /more than 64/,
    );
  });

  it('rejects bad masks, replacements, names, actions and priorities', () => {
    expect(problemsOf({ mask: { char: '**' } })[0]).toMatch(/^mask\.char/);
    expect(problemsOf({ mask: { char: '' } })[0]).toMatch(/^mask\.char/);
    expect(problemsOf({ mask: { keepStart: -1 } })[0]).toMatch(/^mask\.keepStart/);
    expect(problemsOf({ mask: { keepEnd: 1.5 } })[0]).toMatch(/^mask\.keepEnd/);
    expect(problemsOf({ mask: { keepDomain: 'yes' } })[0]).toMatch(/^mask\.keepDomain/);
    expect(problemsOf({ replacement: 'x'.repeat(1001) })[0]).toMatch(/^replacement/);
    expect(problemsOf({ name: '  ' })[0]).toMatch(/^name/);
    expect(problemsOf({ name: 'x'.repeat(201) })[0]).toMatch(/^name: longer than 200/);
    expect(problemsOf({ description: 7 })[0]).toMatch(/^description/);
    expect(problemsOf({ action: 'encrypt' })[0]).toMatch(
      /^action: must be one of hash, mask, replace, drop/,
    );
    expect(problemsOf({ priority: 1.5 })[0]).toMatch(/^priority/);
    expect(ruleProblems(null as unknown as PrivacyRuleInput)).toEqual(['rule: must be an object']);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ topic: '#/a', keys: ['['], match: { regex: '(?=x)' } })).toHaveLength(3);
  });
});

describe('normalizeRule', () => {
  it('applies the defaults', () => {
    expect(normalizeRule({ name: 'n', action: 'hash' })).toEqual({
      name: 'n',
      enabled: true,
      priority: 100,
      topic: '#',
      brokers: ['*'],
      action: 'hash',
    });
  });

  it('fills mask defaults for mask rules and the replacement for replace rules', () => {
    expect(normalizeRule({ name: 'n', action: 'mask', mask: { keepStart: 2 } }).mask).toEqual({
      char: '*',
      keepStart: 2,
      keepEnd: 0,
      keepDomain: false,
    });
    expect(normalizeRule({ name: 'n', action: 'replace' }).replacement).toBe('[redacted]');
    expect(normalizeRule({ name: 'n', action: 'hash' }).mask).toBeUndefined();
  });

  it('keeps given values, copies arrays and treats keys [] as every string leaf', () => {
    const keys = ['a.b'];
    const input: PrivacyRuleInput = {
      name: 'n',
      description: 'd',
      enabled: false,
      priority: 3,
      topic: 'a/+',
      brokers: ['x', 'x', 'y'],
      match: { regex: 'a', flags: 'i' },
      keys,
      action: 'drop',
      replacement: 'kept',
    };
    const rule = normalizeRule(input);
    expect(rule).toEqual({ ...input, brokers: ['x', 'y'] });
    expect(rule.keys).not.toBe(keys);
    expect(normalizeRule({ name: 'n', action: 'hash', keys: [] }).keys).toBeUndefined();
    expect(
      normalizeRule({ name: 'n', action: 'hash', match: { regex: 'a', flags: '' } }).match,
    ).toEqual({
      regex: 'a',
    });
  });
});
