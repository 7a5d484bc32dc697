import type { JsonValue } from '@app/json';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from './hmac';
import { deepFreeze } from './spec-fixtures';
import { SubjectSet, type SubjectResult } from './subject-set';
import {
  isWholeEmail,
  normalizeSubject,
  subjectDigest,
  subjectFingerprint,
  type SubjectEntry,
} from './subjects';

const KEY = 'k'.repeat(64);
const SECRET = 'broker-secret';

function entry(subject: string, action: SubjectEntry['action'], replacement?: string) {
  const e: SubjectEntry = { digest: subjectDigest(KEY, normalizeSubject(subject)), action };
  if (replacement !== undefined) e.replacement = replacement;
  return e;
}

function published(result: SubjectResult): JsonValue {
  if (result.outcome !== 'publish') throw new Error('expected publish, got drop');
  return result.value;
}

describe('normalizeSubject', () => {
  it('trims, and lowercases only what is an e-mail address as a whole', () => {
    expect(normalizeSubject('  Alice@Example.COM \n')).toBe('alice@example.com');
    expect(normalizeSubject(' Alice Smith ')).toBe('Alice Smith');
    expect(normalizeSubject('Mail Alice@Example.com')).toBe('Mail Alice@Example.com');
    expect(normalizeSubject('USER-G0f6Jj5r2Q')).toBe('USER-G0f6Jj5r2Q');
    expect(isWholeEmail('bob@example.org')).toBe(true);
    expect(isWholeEmail('bob@example.org.')).toBe(false);
  });

  it('digests with the key and shows only a short fingerprint of the digest', () => {
    const digest = subjectDigest(KEY, 'alice@example.com');
    expect(digest).toBe(hmacSha256Hex(KEY, 'alice@example.com'));
    expect(subjectDigest('other-key', 'alice@example.com')).not.toBe(digest);
    expect(subjectFingerprint(digest)).toBe(digest.slice(0, 12));
  });
});

describe('SubjectSet', () => {
  it('replaces a whole leaf equal to the subject, comparing e-mail addresses case-insensitively', () => {
    const set = SubjectSet.compile([entry('Alice@Example.com', 'replace')], KEY);
    const value = deepFreeze({ host: ' ALICE@example.COM ', other: 'bob@example.org', n: 1 });
    const result = set.apply(value, SECRET);
    expect(published(result)).toEqual({
      host: '[redacted]',
      other: 'bob@example.org',
      n: 1,
    });
    expect(result.outcome === 'publish' && result.actions).toEqual(['replace']);
  });

  it('replaces a detector match inside a leaf, keeping the rest of the text', () => {
    const set = SubjectSet.compile([entry('alice@example.com', 'replace', '<gone>')], KEY);
    const value = deepFreeze({
      notes: ['Call Alice@Example.com or bob@example.org', 'mailto:alice@example.com?x=1'],
    });
    expect(published(set.apply(value, SECRET))).toEqual({
      notes: ['Call <gone> or bob@example.org', 'mailto:<gone>?x=1'],
    });
  });

  it('matches other detectors exactly as given (no case folding)', () => {
    const set = SubjectSet.compile(
      [entry('+61 2 9876 5432', 'replace'), entry('user-G0f6Jj5r2Q', 'replace')],
      KEY,
    );
    const value = {
      phone: 'ring +61 2 9876 5432 now',
      by: 'user-G0f6Jj5r2Q',
      up: 'USER-G0F6JJ5R2Q',
    };
    expect(published(set.apply(value, SECRET))).toEqual({
      phone: 'ring [redacted] now',
      by: '[redacted]',
      up: 'USER-G0F6JJ5R2Q',
    });
  });

  it('matches a plain name only as a whole leaf, trimmed and case-sensitive', () => {
    const set = SubjectSet.compile([entry('Alice Smith', 'replace')], KEY);
    const value = { a: 'Alice Smith', b: ' Alice Smith\t', c: 'alice smith', d: 'Dr Alice Smith' };
    expect(published(set.apply(value, SECRET))).toEqual({
      a: '[redacted]',
      b: '[redacted]',
      c: 'alice smith',
      d: 'Dr Alice Smith',
    });
  });

  it('hashes the text as found with the broker secret, like the hash rule action', () => {
    const set = SubjectSet.compile([entry('alice@example.com', 'hash')], KEY);
    const value = { who: 'Alice@Example.com', text: 'cc alice@example.com' };
    expect(published(set.apply(value, SECRET))).toEqual({
      who: hmacSha256Hex(SECRET, 'Alice@Example.com'),
      text: `cc ${hmacSha256Hex(SECRET, 'alice@example.com')}`,
    });
    expect(published(set.apply(value, 'other'))).toEqual({
      who: hmacSha256Hex('other', 'Alice@Example.com'),
      text: `cc ${hmacSha256Hex('other', 'alice@example.com')}`,
    });
  });

  it('drops the whole message when a drop subject occurs anywhere in it', () => {
    const set = SubjectSet.compile(
      [entry('alice@example.com', 'drop'), entry('bob@example.org', 'replace')],
      KEY,
    );
    expect(set.apply({ a: ['x', { b: 'see alice@example.com' }] }, SECRET)).toEqual({
      outcome: 'drop',
    });
    expect(published(set.apply({ a: 'bob@example.org' }, SECRET))).toEqual({ a: '[redacted]' });
  });

  it('leaves values without subjects as the same reference, and ignores what no subject is', () => {
    const set = SubjectSet.compile([entry('alice@example.com', 'replace')], KEY);
    const value = deepFreeze({ a: 'alicia@example.com', b: 'alice@example.co', c: 42, d: null });
    const result = set.apply(value, SECRET);
    expect(result).toEqual({ outcome: 'publish', value, actions: [] });
    expect(published(result)).toBe(value);
    expect(SubjectSet.EMPTY.apply(value, SECRET)).toEqual({
      outcome: 'publish',
      value,
      actions: [],
    });
  });

  it('needs the key the digests were made with', () => {
    const set = SubjectSet.compile([entry('alice@example.com', 'replace')], 'another-key');
    expect(published(set.apply({ a: 'alice@example.com' }, SECRET))).toEqual({
      a: 'alice@example.com',
    });
  });

  it('gives each broker its own hash when the same value is applied for several brokers', () => {
    const set = SubjectSet.compile([entry('alice@example.com', 'hash')], KEY);
    const value = { a: 'alice@example.com' };
    const first = published(set.apply(value, 'one'));
    const second = published(set.apply(value, 'two'));
    expect(first).toEqual({ a: hmacSha256Hex('one', 'alice@example.com') });
    expect(second).toEqual({ a: hmacSha256Hex('two', 'alice@example.com') });
  });

  it('fails closed on a value too deep to inspect', () => {
    const set = SubjectSet.compile([entry('alice@example.com', 'replace')], KEY);
    let deep: JsonValue = 'x';
    for (let i = 0; i < 300; i++) deep = [deep];
    expect(set.apply(deep, SECRET)).toEqual({ outcome: 'drop' });
  });

  it('finds one subject among thousands, and only that one', () => {
    const entries = Array.from({ length: 5000 }, (_, i) =>
      entry(`person${i}@example.com`, i % 2 ? 'hash' : 'replace'),
    );
    const set = SubjectSet.compile(entries, KEY);
    expect(set.size).toBe(5000);
    const value = {
      who: 'PERSON4320@example.com',
      odd: 'person17@example.com',
      not: 'person5000@example.com',
    };
    expect(published(set.apply(value, SECRET))).toEqual({
      who: '[redacted]',
      odd: hmacSha256Hex(SECRET, 'person17@example.com'),
      not: 'person5000@example.com',
    });
  });
});
