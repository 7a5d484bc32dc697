import type { PrivacyRuleInput } from '@app/privacy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RulesStore } from '../rules-store';
import {
  RuleNameTakenError,
  RuleNotFoundError,
  RulesStoreError,
  RuleVersionMismatchError,
  SubjectExistsError,
  SubjectNotFoundError,
} from '../rules-store-errors';

/** A fresh, empty store for one test, and how to reach the same database again. */
export interface RulesStoreFixture {
  store: RulesStore;
  /** Opens another store on the same database (the contract closes `store` first). */
  reopen(): Promise<RulesStore>;
  /** Removes the database; every store opened through the fixture is closed before. */
  cleanup(): Promise<void>;
}

export const emailHash: PrivacyRuleInput = {
  name: 'hash-emails',
  match: { detector: 'email' },
  action: 'hash',
};

/** A well-formed subject digest (64 hex digits), distinct per `n`. */
function digestOf(n: number): string {
  return n.toString(16).padStart(64, 'a');
}

/**
 * The behaviour every RulesStore backend must share, run once per backend so SQLite and
 * PostgreSQL cannot drift apart. `open` is called before each test and must give an empty store.
 */
export function describeRulesStoreContract(
  name: string,
  open: () => Promise<RulesStoreFixture>,
): void {
  describe(`${name} (RulesStore contract)`, () => {
    let fixture: RulesStoreFixture;
    let store: RulesStore;
    let opened: RulesStore[];

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      opened = [store];
    });
    afterEach(async () => {
      for (const each of opened) await each.close();
      await fixture.cleanup();
    });

    async function reopen(): Promise<RulesStore> {
      await store.close();
      store = await fixture.reopen();
      opened.push(store);
      return store;
    }

    it('creates a rule with defaults, an id, version 1 and ISO timestamps', async () => {
      const rule = await store.create(emailHash);
      expect(rule.id).toMatch(/^rule-[0-9a-z]+$/);
      expect(rule).toMatchObject({
        name: 'hash-emails',
        enabled: true,
        priority: 100,
        topic: '#',
        brokers: ['*'],
        match: { detector: 'email' },
        action: 'hash',
        version: 1,
      });
      expect(new Date(rule.createdAt).toISOString()).toBe(rule.createdAt);
      expect(rule.updatedAt).toBe(rule.createdAt);
      expect(await store.get(rule.id)).toEqual(rule);
      expect(await store.get('rule-missing')).toBeUndefined();
    });

    it('lists in application order: priority, then creation order', async () => {
      const late = await store.create({ name: 'late', priority: 200, action: 'drop' });
      const first = await store.create({ name: 'first', priority: -5, action: 'drop' });
      const a = await store.create({ name: 'a', action: 'drop' });
      const b = await store.create({ name: 'b', action: 'drop' });
      const c = await store.create({ name: 'c', action: 'drop' });
      expect((await store.list()).map((r) => r.id)).toEqual([first.id, a.id, b.id, c.id, late.id]);
    });

    it('replaces and patches with version bumps, keeping id and createdAt', async () => {
      const rule = await store.create(emailHash);
      const replaced = await store.replace(rule.id, {
        name: 'renamed',
        action: 'drop',
        priority: 7,
      });
      expect(replaced).toMatchObject({ id: rule.id, name: 'renamed', action: 'drop', version: 2 });
      expect(replaced.match).toBeUndefined();
      expect(replaced.createdAt).toBe(rule.createdAt);
      const patched = await store.patch(rule.id, { enabled: false, description: undefined }, 2);
      expect(patched).toMatchObject({ name: 'renamed', enabled: false, priority: 7, version: 3 });
      expect(await store.get(rule.id)).toEqual(patched);
    });

    it('rejects a stale expected version with the current version, changing nothing', async () => {
      const rule = await store.create(emailHash);
      await store.patch(rule.id, { priority: 1 });
      const error = await store.replace(rule.id, emailHash, 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RuleVersionMismatchError);
      expect((error as RuleVersionMismatchError).currentVersion).toBe(2);
      await expect(store.patch(rule.id, { priority: 9 }, 1)).rejects.toBeInstanceOf(
        RuleVersionMismatchError,
      );
      await expect(store.delete(rule.id, 5)).rejects.toBeInstanceOf(RuleVersionMismatchError);
      expect(await store.get(rule.id)).toMatchObject({ priority: 1, version: 2 });
      await store.delete(rule.id, 2);
      expect(await store.list()).toEqual([]);
    });

    it('reports unknown ids and taken names', async () => {
      await expect(store.replace('nope', emailHash)).rejects.toBeInstanceOf(RuleNotFoundError);
      await expect(store.patch('nope', {})).rejects.toBeInstanceOf(RuleNotFoundError);
      await expect(store.delete('nope')).rejects.toBeInstanceOf(RuleNotFoundError);
      const first = await store.create(emailHash);
      const other = await store.create({ name: 'other', action: 'drop' });
      await expect(store.create(emailHash)).rejects.toBeInstanceOf(RuleNameTakenError);
      await expect(store.patch(other.id, { name: first.name })).rejects.toBeInstanceOf(
        RuleNameTakenError,
      );
      expect((await store.list()).map((r) => r.name)).toEqual(['hash-emails', 'other']);
    });

    it('bumps the revision and notifies listeners on each committed change only', async () => {
      const calls: number[] = [];
      const unsubscribe = store.onChange(() => calls.push(1));
      const start = await store.revision();
      const rule = await store.create(emailHash);
      await store.patch(rule.id, { priority: 3 });
      await expect(store.create(emailHash)).rejects.toThrow();
      expect(await store.revision()).toBe(start + 2);
      expect(calls).toHaveLength(2);
      unsubscribe();
      await store.delete(rule.id);
      expect(calls).toHaveLength(2);
      expect(await store.revision()).toBe(start + 3);
    });

    it('replaceAll keeps ids of rules named again, creates new ones and deletes the rest', async () => {
      const kept = await store.create(emailHash);
      const changed = await store.create({
        name: 'mask-phones',
        match: { detector: 'phone' },
        action: 'mask',
      });
      const removed = await store.create({ name: 'old', action: 'drop' });
      const revision = await store.revision();
      const wanted: PrivacyRuleInput[] = [
        emailHash,
        { name: 'mask-phones', match: { detector: 'phone' }, action: 'replace', priority: 5 },
        { name: 'new-one', match: { regex: 'secret-[0-9]+' }, action: 'replace', priority: 300 },
      ];

      const result = await store.replaceAll(wanted);
      expect(result.map((r) => r.name)).toEqual(['mask-phones', 'hash-emails', 'new-one']);
      expect(result[1]).toEqual(kept);
      expect(result[0]).toMatchObject({
        id: changed.id,
        version: 2,
        action: 'replace',
        createdAt: changed.createdAt,
      });
      expect(result[2].version).toBe(1);
      expect(await store.get(removed.id)).toBeUndefined();
      expect(await store.revision()).toBe(revision + 1);
      expect(await store.list()).toEqual(result);

      // The same set again changes nothing: no version bump, no revision bump.
      const again = await store.replaceAll(wanted);
      expect(again).toEqual(result);
      expect(await store.revision()).toBe(revision + 1);
    });

    it('replaceAll keeps the given order for rules created together with equal priority', async () => {
      const names = Array.from({ length: 30 }, (_, i) => `rule-${String(29 - i).padStart(2, '0')}`);
      const result = await store.replaceAll(names.map((n) => ({ name: n, action: 'drop' })));
      expect(result.map((r) => r.name)).toEqual(names);
      expect((await store.list()).map((r) => r.name)).toEqual(names);
    });

    it('replaceAll is atomic: a failure mid-way leaves the old set intact', async () => {
      await store.create(emailHash);
      await store.create({ name: 'other', action: 'drop' });
      const before = await store.list();
      const revision = await store.revision();
      let notified = 0;
      store.onChange(() => notified++);
      await expect(
        store.replaceAll([
          { name: 'brand-new', action: 'drop' },
          { name: 'hash-emails', action: 'drop' },
          { name: 'brand-new', action: 'hash' },
        ]),
      ).rejects.toBeInstanceOf(RuleNameTakenError);
      expect(await store.list()).toEqual(before);
      expect(await store.revision()).toBe(revision);
      expect(notified).toBe(0);
    });

    it('persists rules, revision and broker secrets across close and reopen', async () => {
      const rule = await store.create(emailHash);
      const secret = await store.brokerSecret('aws');
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.brokerSecret('aws')).toBe(secret);
      const other = await store.brokerSecret('azure');
      expect(other).toMatch(/^[0-9a-f]{64}$/);
      expect(other).not.toBe(secret);
      const revision = await store.revision();

      await reopen();
      expect(await store.list()).toEqual([rule]);
      expect(await store.revision()).toBe(revision);
      expect(await store.brokerSecret('aws')).toBe(secret);
      expect(await store.brokerSecret('azure')).toBe(other);
    });

    it('registers subjects by digest, lists them oldest first and deletes them', async () => {
      const first = await store.createSubject({
        digest: digestOf(1),
        action: 'replace',
        replacement: '<gone>',
      });
      const second = await store.createSubject({ digest: digestOf(2), action: 'hash' });
      expect(first).toMatchObject({
        digest: digestOf(1),
        action: 'replace',
        replacement: '<gone>',
      });
      expect(first.id).toMatch(/^subject-[0-9a-z]+$/);
      expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);
      expect(second.replacement).toBeUndefined();
      expect(await store.listSubjects()).toEqual([first, second]);
      await store.deleteSubject(first.id);
      expect(await store.listSubjects()).toEqual([second]);
      await expect(store.deleteSubject(first.id)).rejects.toBeInstanceOf(SubjectNotFoundError);
    });

    it('refuses a digest registered already, naming the existing subject', async () => {
      const subject = await store.createSubject({ digest: digestOf(3), action: 'drop' });
      const error = await store
        .createSubject({ digest: digestOf(3), action: 'hash' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SubjectExistsError);
      expect((error as SubjectExistsError).existingId).toBe(subject.id);
      expect(await store.listSubjects()).toEqual([subject]);
    });

    it('stores nothing but a digest: text, other shapes and unknown actions are refused', async () => {
      const revision = await store.revision();
      for (const input of [
        { digest: 'alice@example.com', action: 'replace' },
        { digest: digestOf(4).toUpperCase(), action: 'replace' },
        { digest: `${digestOf(4)}0`, action: 'replace' },
        { digest: digestOf(4), action: 'mask' },
        { digest: digestOf(4), action: 'replace', replacement: 'x'.repeat(5000) },
      ]) {
        const error = await store
          .createSubject(input as Parameters<RulesStore['createSubject']>[0])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RulesStoreError);
        expect((error as Error).message).not.toContain('alice');
      }
      expect(await store.listSubjects()).toEqual([]);
      expect(await store.revision()).toBe(revision);
    });

    it('bumps the revision and notifies listeners on each committed subject change', async () => {
      let notified = 0;
      store.onChange(() => notified++);
      const start = await store.revision();
      const subject = await store.createSubject({ digest: digestOf(5), action: 'replace' });
      await expect(
        store.createSubject({ digest: digestOf(5), action: 'replace' }),
      ).rejects.toBeInstanceOf(SubjectExistsError);
      await store.deleteSubject(subject.id);
      await expect(store.deleteSubject(subject.id)).rejects.toBeInstanceOf(SubjectNotFoundError);
      expect(await store.revision()).toBe(start + 2);
      expect(notified).toBe(2);
    });

    it('persists subjects and one subject key, distinct from broker secrets', async () => {
      const key = await store.subjectKey();
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.subjectKey()).toBe(key);
      expect(await store.brokerSecret('subjects')).not.toBe(key);
      const subject = await store.createSubject({ digest: digestOf(6), action: 'hash' });
      await reopen();
      expect(await store.subjectKey()).toBe(key);
      expect(await store.listSubjects()).toEqual([subject]);
    });

    it('answers ping while open and fails cleanly once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toBeInstanceOf(RulesStoreError);
      await expect(store.list()).rejects.toThrow(/closed/);
      await expect(store.create(emailHash)).rejects.toThrow(/closed/);
      await expect(store.listSubjects()).rejects.toThrow(/closed/);
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
