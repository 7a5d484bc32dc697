import type { JsonValue } from '@app/json';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from './hmac';
import type { FilterResult, FilterTarget } from './privacy-rule';
import { RuleSet } from './rule-set';
import { deepFreeze, storedRule } from './spec-fixtures';

const TOPIC = 'placeos/zone-org/state/zone-b/zone-l/_/sys-1/driver-1/Bookings/1/current';
const BROKER: FilterTarget = { id: 'local', secret: 's3cr3t' };
const OTHER: FilterTarget = { id: 'cloud', secret: 'secret' };
const ALICE_S3CR3T = 'ab95b46c56bf1e130a97a04151c226e8916a5b09561edf60d4f91c4a1860f995';
const ALICE_SECRET = 'a398d49ce1980b3642bc4dbd110121e3c953e1eadb497d50dea23e9611f83ee7';

function published(result: FilterResult): JsonValue {
  if (result.outcome !== 'publish') throw new Error(`expected publish, got ${result.outcome}`);
  return result.value;
}

function names(result: FilterResult): string[] {
  return result.applied.map((rule) => rule.name);
}

describe('RuleSet', () => {
  describe('compile', () => {
    it('skips disabled rules and lists rules that cannot run', () => {
      const set = RuleSet.compile([
        storedRule({ action: 'hash', match: { detector: 'email' } }),
        storedRule({ action: 'hash', enabled: false, match: { regex: '(a)\\1' } }),
        storedRule({ action: 'replace', match: { regex: '(?=a)' } }, { id: 'lookahead' }),
        storedRule({ action: 'replace', topic: 'a/#/b' }, { id: 'bad-topic' }),
        storedRule({ action: 'replace', keys: ['a..b'] }, { id: 'bad-key' }),
      ]);
      expect(set.size).toBe(1);
      expect(set.problems.map((problem) => problem.ruleId)).toEqual([
        'lookahead',
        'bad-topic',
        'bad-key',
      ]);
      expect(set.problems[0].message).toMatch(/RE2/);
      expect(set.problems[1].message).toMatch(/topic filter/);
      expect(set.problems[2].message).toMatch(/key path/);
    });

    it('survives malformed stored rules', () => {
      const broken = { id: 'junk', enabled: true } as unknown as Parameters<
        typeof RuleSet.compile
      >[0][number];
      const set = RuleSet.compile([broken]);
      expect(set.size).toBe(0);
      expect(set.problems[0].ruleId).toBe('junk');
    });

    it('EMPTY passes everything through untouched', () => {
      const value = deepFreeze({ email: 'alice@example.com' });
      const result = RuleSet.EMPTY.apply(TOPIC, value, BROKER);
      expect(result).toEqual({ outcome: 'publish', value, changed: false, applied: [] });
      expect(published(result)).toBe(value);
      expect(RuleSet.EMPTY.size).toBe(0);
      expect(RuleSet.EMPTY.selects(TOPIC, 'local')).toBe(false);
    });
  });

  describe('hash', () => {
    it('replaces just the match with HMAC-SHA256 hex keyed by the broker secret', () => {
      const set = RuleSet.compile([storedRule({ action: 'hash', match: { detector: 'email' } })]);
      const value = deepFreeze('Host: alice@example.com.');
      expect(published(set.apply(TOPIC, value, BROKER))).toBe(`Host: ${ALICE_S3CR3T}.`);
      expect(published(set.apply(TOPIC, value, OTHER))).toBe(`Host: ${ALICE_SECRET}.`);
    });

    it('hashes the whole leaf when there is no match', () => {
      const set = RuleSet.compile([storedRule({ action: 'hash', keys: ['email'] })]);
      const value = deepFreeze({ email: 'alice@example.com', other: 'alice@example.com' });
      expect(published(set.apply(TOPIC, value, BROKER))).toEqual({
        email: ALICE_S3CR3T,
        other: 'alice@example.com',
      });
    });
  });

  describe('mask', () => {
    it('masks matches with the rule options, keeping the domain', () => {
      const set = RuleSet.compile([
        storedRule({
          action: 'mask',
          match: { detector: 'email' },
          mask: { keepStart: 1, keepDomain: true },
        }),
      ]);
      const value = deepFreeze({ notes: 'ask alice@example.com or 😀bob@x.org' });
      expect(published(set.apply(TOPIC, value, BROKER))).toEqual({
        notes: 'ask a****@example.com or 😀b**@x.org',
      });
    });

    it('masks whole leaves by code point', () => {
      const set = RuleSet.compile([
        storedRule({ action: 'mask', keys: ['name'], mask: { char: '•', keepEnd: 1 } }),
      ]);
      expect(published(set.apply(TOPIC, deepFreeze({ name: 'Zoë 😀!' }), BROKER))).toEqual({
        name: '•••••!',
      });
    });
  });

  describe('replace', () => {
    it('puts the replacement text in place of each match, literally', () => {
      const set = RuleSet.compile([
        storedRule({ action: 'replace', match: { detector: 'ipv4' }, replacement: '$&<ip>' }),
      ]);
      expect(published(set.apply(TOPIC, 'from 10.0.0.1 to 10.0.0.2', BROKER))).toBe(
        'from $&<ip> to $&<ip>',
      );
    });

    it('defaults to [redacted]', () => {
      const set = RuleSet.compile([storedRule({ action: 'replace', match: { detector: 'uuid' } })]);
      expect(published(set.apply(TOPIC, 'id 123e4567-e89b-12d3-a456-426614174000', BROKER))).toBe(
        'id [redacted]',
      );
    });
  });

  describe('drop', () => {
    it('drops when a match is found, and only then', () => {
      const set = RuleSet.compile([
        storedRule({ name: 'no-phones', action: 'drop', match: { detector: 'phone' } }),
      ]);
      expect(set.apply(TOPIC, deepFreeze({ a: ['call +61 2 9876 5432'] }), BROKER)).toEqual({
        outcome: 'drop',
        applied: [expect.objectContaining({ name: 'no-phones', action: 'drop' })],
      });
      expect(set.apply(TOPIC, deepFreeze({ a: ['1732500000123'] }), BROKER).outcome).toBe(
        'publish',
      );
    });

    it('without match, drops when a selected key path is present (even null)', () => {
      const set = RuleSet.compile([storedRule({ action: 'drop', keys: ['private', 'x[*].y'] })]);
      expect(set.apply(TOPIC, deepFreeze({ private: null }), BROKER).outcome).toBe('drop');
      expect(set.apply(TOPIC, deepFreeze({ x: [{}, { y: 1 }] }), BROKER).outcome).toBe('drop');
      expect(set.apply(TOPIC, deepFreeze({ x: [{ z: 1 }], public: 1 }), BROKER).outcome).toBe(
        'publish',
      );
      expect(set.apply(TOPIC, 'private', BROKER).outcome).toBe('publish');
    });

    it('without match or keys, drops every selected message', () => {
      const set = RuleSet.compile([
        storedRule({ action: 'drop', topic: 'placeos/+/state/+/+/+/+/+/Bookings/#' }),
      ]);
      expect(set.apply(TOPIC, null, BROKER).outcome).toBe('drop');
      expect(set.apply(TOPIC.replace('Bookings', 'Display'), null, BROKER).outcome).toBe('publish');
    });

    it('stops the chain: later rules do not run', () => {
      const set = RuleSet.compile([
        storedRule({ name: 'first', action: 'hash', match: { detector: 'email' }, priority: 1 }),
        storedRule({ name: 'drop', action: 'drop', match: { regex: 'secret' }, priority: 2 }),
        storedRule({ name: 'never', action: 'replace', priority: 3 }),
      ]);
      const result = set.apply(TOPIC, deepFreeze(['alice@example.com', 'top secret']), BROKER);
      expect(result.outcome).toBe('drop');
      expect(names(result)).toEqual(['first', 'drop']);
    });
  });

  describe('key paths', () => {
    const booking = deepFreeze({
      host: { name: 'Alice', email: 'alice@example.com' },
      attendees: [
        { name: 'Bob', email: 'bob@example.org' },
        { name: 'Carol', email: 'carol@example.net', tags: ['vip'] },
      ],
      grid: [
        [{ b: 'x1' }, { b: 'x2' }],
        [{ b: 'x3' }, { c: 'x4' }],
      ],
      count: 3,
      flag: true,
      nothing: null,
    });

    function redact(keys: string[], match?: { detector: 'email' }): JsonValue {
      const set = RuleSet.compile([
        storedRule({ action: 'replace', keys, match, replacement: 'R' }),
      ]);
      return published(set.apply(TOPIC, booking, BROKER));
    }

    it('selects a.b and list[*].c', () => {
      expect(redact(['host.email', 'attendees[*].name'])).toMatchObject({
        host: { name: 'Alice', email: 'R' },
        attendees: [
          { name: 'R', email: 'bob@example.org' },
          { name: 'R', email: 'carol@example.net' },
        ],
      });
    });

    it('selects nested arrays a[*][*].b and indexes', () => {
      expect(redact(['grid[*][*].b'])).toMatchObject({
        grid: [
          [{ b: 'R' }, { b: 'R' }],
          [{ b: 'R' }, { c: 'x4' }],
        ],
      });
      expect(redact(['attendees[1].email'])).toMatchObject({
        attendees: [{ email: 'bob@example.org' }, { email: 'R' }],
      });
    });

    it('selects every string leaf under a container path and any child with *', () => {
      expect(redact(['host'])).toMatchObject({ host: { name: 'R', email: 'R' } });
      expect(redact(['attendees.*.email'])).toMatchObject({
        attendees: [{ email: 'R' }, { email: 'R' }],
      });
    });

    it('ignores missing paths', () => {
      const out = redact(['nope', 'host.phone', 'attendees[5].name', 'count.x', 'grid[*].b']);
      expect(out).toBe(booking);
    });

    it('touches numbers, booleans and null only when selected and the rule has no match', () => {
      expect(redact(['count', 'flag', 'nothing'])).toMatchObject({
        count: 'R',
        flag: 'R',
        nothing: 'R',
      });
      expect(redact(['count', 'flag', 'nothing'], { detector: 'email' })).toBe(booking);
      const hashed = RuleSet.compile([storedRule({ action: 'hash', keys: ['count'] })]);
      expect(published(hashed.apply(TOPIC, booking, BROKER))).toMatchObject({
        count: hmacSha256Hex('s3cr3t', '3'),
      });
      const everyLeaf = RuleSet.compile([storedRule({ action: 'replace' })]);
      expect(published(everyLeaf.apply(TOPIC, booking, BROKER))).toMatchObject({
        count: 3,
        flag: true,
        nothing: null,
        host: { name: '[redacted]' },
      });
    });

    it('acts on each leaf once even when paths overlap', () => {
      const set = RuleSet.compile([
        storedRule({ action: 'hash', keys: ['host', 'host.email', 'host.*', '*.email'] }),
      ]);
      expect(published(set.apply(TOPIC, booking, BROKER))).toMatchObject({
        host: { email: ALICE_S3CR3T },
      });
    });

    it('restricts a matcher to the selected leaves', () => {
      expect(redact(['attendees[*].email'], { detector: 'email' })).toMatchObject({
        host: { email: 'alice@example.com' },
        attendees: [{ email: 'R' }, { email: 'R' }],
      });
    });

    it('copies only the changed path and never alters keys', () => {
      const value = deepFreeze({ 'alice@example.com': 'alice@example.com', keep: { deep: [1] } });
      const set = RuleSet.compile([
        storedRule({ action: 'replace', match: { detector: 'email' } }),
      ]);
      const out = published(set.apply(TOPIC, value, BROKER)) as Record<string, JsonValue>;
      expect(Object.keys(out)).toEqual(['alice@example.com', 'keep']);
      expect(out['alice@example.com']).toBe('[redacted]');
      expect(out.keep).toBe(value.keep);
    });

    it('handles a __proto__ member without touching prototypes', () => {
      const value = deepFreeze(JSON.parse('{"__proto__":{"email":"alice@example.com"},"a":1}'));
      const set = RuleSet.compile([
        storedRule({ action: 'replace', match: { detector: 'email' } }),
      ]);
      const out = published(set.apply(TOPIC, value, BROKER));
      expect(JSON.stringify(out)).toBe('{"__proto__":{"email":"[redacted]"},"a":1}');
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    });
  });

  describe('ordering and chaining', () => {
    it('runs lower priority first, then older createdAt, then id', () => {
      const rules = [
        storedRule(
          { name: 'c', action: 'replace', replacement: 'c', priority: 5 },
          {
            id: 'b',
            createdAt: '2026-01-01T00:00:00.000Z',
          },
        ),
        storedRule(
          { name: 'd', action: 'replace', replacement: 'd', priority: 5 },
          {
            id: 'a',
            createdAt: '2026-01-01T00:00:00Z',
          },
        ),
        storedRule(
          { name: 'b', action: 'replace', replacement: 'b', priority: 5 },
          {
            id: 'z',
            createdAt: '2025-12-31T23:59:59Z',
          },
        ),
        storedRule({ name: 'a', action: 'replace', replacement: 'a', priority: -1 }),
        storedRule({ name: 'e', action: 'replace', replacement: 'e', priority: 100 }),
      ];
      const result = RuleSet.compile(rules).apply(TOPIC, 'x', BROKER);
      expect(names(result)).toEqual(['a', 'b', 'd', 'c', 'e']);
      expect(published(result)).toBe('e');
      const reversed = RuleSet.compile([...rules].reverse()).apply(TOPIC, 'x', BROKER);
      expect(names(reversed)).toEqual(['a', 'b', 'd', 'c', 'e']);
    });

    it('feeds each rule the output of the previous one', () => {
      const set = RuleSet.compile([
        storedRule({
          name: 'mask-domain',
          action: 'replace',
          match: { regex: '@example\\.com' },
          replacement: '@corp.example.org',
          priority: 1,
        }),
        storedRule({
          name: 'hash-email',
          action: 'hash',
          match: { detector: 'email' },
          priority: 2,
        }),
        storedRule({
          name: 'no-email-left',
          action: 'drop',
          match: { detector: 'email' },
          priority: 3,
        }),
      ]);
      const result = set.apply(TOPIC, deepFreeze({ host: 'alice@example.com' }), BROKER);
      expect(published(result)).toEqual({
        host: hmacSha256Hex('s3cr3t', 'alice@corp.example.org'),
      });
      expect(names(result)).toEqual(['mask-domain', 'hash-email']);
      expect(result.outcome === 'publish' && result.changed).toBe(true);
    });

    it('lists only rules that changed something, and reports no change when undone', () => {
      const set = RuleSet.compile([
        storedRule({ name: 'ab', action: 'replace', match: { regex: 'a' }, replacement: 'b' }),
        storedRule({ name: 'noop', action: 'replace', match: { detector: 'uuid' } }),
        storedRule({ name: 'ba', action: 'replace', match: { regex: 'b' }, replacement: 'a' }),
      ]);
      const value = deepFreeze({ v: 'a' });
      const result = set.apply(TOPIC, value, BROKER);
      expect(names(result)).toEqual(['ab', 'ba']);
      expect(result).toMatchObject({ outcome: 'publish', changed: false });
      expect(published(result)).toBe(value);
    });
  });

  describe('message selection', () => {
    const set = RuleSet.compile([
      storedRule({
        name: 'cloud-only',
        action: 'replace',
        brokers: ['cloud'],
        topic: 'placeos/+/state/#',
      }),
      storedRule({ name: 'metadata', action: 'hash', topic: 'placeos/+/metadata/+' }),
      storedRule({
        name: 'all-brokers',
        action: 'mask',
        brokers: ['*'],
        topic: 'placeos/zone-x/#',
      }),
    ]);

    it('applies a rule only to the brokers it lists, or all with *', () => {
      expect(names(set.apply(TOPIC, 'v', OTHER))).toEqual(['cloud-only']);
      expect(names(set.apply(TOPIC, 'v', BROKER))).toEqual([]);
      expect(names(set.apply('placeos/zone-x/state/a', 'v', BROKER))).toEqual(['all-brokers']);
      expect(names(set.apply('placeos/zone-x/state/a', 'v', OTHER))).toEqual([
        'cloud-only',
        'all-brokers',
      ]);
    });

    it('matches the canonical topic with MQTT filter semantics', () => {
      expect(names(set.apply('placeos/org/metadata/sys-1', 'v', BROKER))).toEqual(['metadata']);
      expect(names(set.apply('placeos/org/metadata/sys-1/extra', 'v', BROKER))).toEqual([]);
      expect(names(set.apply('placeos/org/state', 'v', OTHER))).toEqual(['cloud-only']);
      expect(names(set.apply('prefix/placeos/org/state/x', 'v', OTHER))).toEqual([]);
    });

    it('selects() says whether any rule selects a topic for a broker', () => {
      expect(set.selects(TOPIC, 'cloud')).toBe(true);
      expect(set.selects(TOPIC, 'local')).toBe(false);
      expect(set.selects('placeos/zone-x/anything', 'local')).toBe(true);
      expect(set.selects('placeos/org/metadata/zone-1', 'whatever')).toBe(true);
      expect(set.selects('other/topic', 'cloud')).toBe(false);
      const disabled = RuleSet.compile([storedRule({ action: 'drop', enabled: false })]);
      expect(disabled.selects(TOPIC, 'cloud')).toBe(false);
    });

    it('keeps answering correctly past the selection cache bound', () => {
      const wide = RuleSet.compile([storedRule({ action: 'replace', topic: 'a/+/even' })]);
      for (let i = 0; i < 25_000; i++) {
        expect(wide.selects(`a/${i}/${i % 2 === 0 ? 'even' : 'odd'}`, 'b')).toBe(i % 2 === 0);
      }
      expect(wide.selects('a/1/even', 'b')).toBe(true);
    });
  });

  describe('input safety', () => {
    it('never mutates the (frozen) input and returns it unchanged when nothing applies', () => {
      const value = deepFreeze({
        list: [{ email: 'alice@example.com' }, 'plain', 42, null, [true, '10.0.0.1']],
        id: '123e4567-e89b-12d3-a456-426614174000',
      });
      const snapshot = structuredClone(value);
      const set = RuleSet.compile([
        storedRule({ action: 'hash', match: { detector: 'email' } }),
        storedRule({ action: 'mask', match: { detector: 'ipv4' } }),
        storedRule({ action: 'replace', keys: ['id'] }),
      ]);
      const result = set.apply(TOPIC, value, BROKER);
      expect(value).toEqual(snapshot);
      const out = published(result) as { list: JsonValue[] };
      expect(out).not.toBe(value);
      expect(out.list[1]).toBe('plain');
      expect(result.outcome === 'publish' && result.changed).toBe(true);

      const untouched = deepFreeze({ list: ['plain', 1] });
      const same = set.apply(TOPIC, untouched, BROKER);
      expect(same).toEqual({ outcome: 'publish', value: untouched, changed: false, applied: [] });
      expect(published(same)).toBe(untouched);
    });

    it('handles unicode text around matches', () => {
      const set = RuleSet.compile([
        storedRule({ action: 'replace', match: { detector: 'email' }, replacement: '✉' }),
        storedRule({ action: 'mask', match: { regex: 'größe' }, mask: { keepStart: 1 } }),
      ]);
      expect(published(set.apply(TOPIC, '😀 größe 🇦🇺 alice@example.com 日本', BROKER))).toBe(
        '😀 g**** 🇦🇺 ✉ 日本',
      );
    });

    it('fails closed (drops) on values nested too deeply to inspect', () => {
      let deep: JsonValue = 'alice@example.com';
      for (let i = 0; i < 10_000; i++) deep = [deep];
      const set = RuleSet.compile([storedRule({ action: 'hash', match: { detector: 'email' } })]);
      expect(set.apply(TOPIC, deep, BROKER)).toEqual({ outcome: 'drop', applied: [] });
      expect(RuleSet.EMPTY.apply(TOPIC, deep, BROKER).outcome).toBe('publish');
    });
  });
});
