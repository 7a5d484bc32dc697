import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestAdminApp,
  TEST_CURRENT_STATE,
  TestBridgeView,
  type TestAdminApp,
} from './admin-api.e2e-helpers';

const TOKEN = 'assurance-token';
const auth = { Authorization: `Bearer ${TOKEN}` };
const SUBJECT = 'Dana.Subject@Example.com';

/** Every byte of the SQLite database (main file, WAL and shared memory), as latin1 text. */
function databaseBytes(t: TestAdminApp): string {
  const dir = dirname(t.databasePath);
  return readdirSync(dir)
    .map((name) => readFileSync(`${dir}/${name}`).toString('latin1'))
    .join('\n');
}

describe('admin API: privacy assurance routes', () => {
  let t: TestAdminApp;
  const view = new TestBridgeView();
  const server = () => t.app.getHttpServer();

  beforeAll(async () => {
    t = await createTestAdminApp({ adminToken: TOKEN, throttle: false }, view);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('subjects', () => {
    it('registers a subject and never shows it back, only a fingerprint', async () => {
      const created = await request(server())
        .post('/api/v1/subjects')
        .set(auth)
        .send({ subject: SUBJECT, action: 'replace', replacement: '<erased>' })
        .expect(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(/^subject-[0-9a-z]+$/),
        fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/),
        action: 'replace',
        replacement: '<erased>',
        createdAt: expect.any(String),
      });
      const listed = await request(server()).get('/api/v1/subjects').set(auth).expect(200);
      expect(listed.body).toEqual({ items: [created.body], total: 1 });
      for (const text of [created.text, listed.text]) {
        expect(text.toLowerCase()).not.toContain('dana.subject');
      }
      // The database holds the keyed hash only: not the subject in any letter case.
      const bytes = databaseBytes(t).toLowerCase();
      expect(bytes).not.toContain('dana.subject@example.com');
      expect(bytes).toContain(created.body.fingerprint);
    });

    it('tells a second registration (another letter case, padded) apart by its id, with a 409', async () => {
      const listed = await request(server()).get('/api/v1/subjects').set(auth).expect(200);
      const again = await request(server())
        .post('/api/v1/subjects')
        .set(auth)
        .send({ subject: `  ${SUBJECT.toUpperCase()} `, action: 'drop' })
        .expect(409);
      expect(again.body).toEqual({
        statusCode: 409,
        message: 'This subject is registered already',
        error: 'Conflict',
        id: listed.body.items[0].id,
      });
    });

    it('refuses bad input with a 400 that never quotes the subject', async () => {
      const cases: [unknown, RegExp][] = [
        [{ subject: '', action: 'replace' }, /subject must be longer than or equal to 1/],
        [{ subject: ' \t ', action: 'replace' }, /subject must not be blank/],
        [{ subject: 'x'.repeat(1025), action: 'hash' }, /subject must be shorter/],
        [{ subject: 42, action: 'hash' }, /subject must be a string/],
        [{ subject: 'erin@example.com', action: 'mask' }, /action must be one of/],
        [{ subject: 'erin@example.com' }, /action must be one of/],
        [
          { subject: 'erin@example.com', action: 'hash', replacement: 'x' },
          /only allowed with action "replace"/,
        ],
        [
          { subject: 'erin@example.com', action: 'replace', replacement: 'was ERIN@example.com' },
          /must not contain the subject/,
        ],
        [{ subject: 'erin@example.com', action: 'replace', replacement: null }, /replacement/],
        [
          { subject: 'erin@example.com', action: 'replace', extra: 1 },
          /property extra should not exist/,
        ],
      ];
      for (const [body, message] of cases) {
        const res = await request(server())
          .post('/api/v1/subjects')
          .set(auth)
          .send(body as object);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(res.body.error).toBe('Bad Request');
        expect(res.body.message.join(' ')).toMatch(message);
        expect(res.text).not.toContain('erin@example.com');
      }
      const malformed = await request(server())
        .post('/api/v1/subjects')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send('{"subject":erin@example.com}');
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toMatch(/^The request body is not valid JSON/);
      expect(malformed.text).not.toContain('erin');
      const listed = await request(server()).get('/api/v1/subjects').set(auth).expect(200);
      expect(listed.body.total).toBe(1);
    });

    it('deletes a subject (204), then answers 404 for it', async () => {
      const created = await request(server())
        .post('/api/v1/subjects')
        .set(auth)
        .send({ subject: '+61 2 9876 5432', action: 'hash' })
        .expect(201);
      expect(created.body.replacement).toBeUndefined();
      await request(server()).delete(`/api/v1/subjects/${created.body.id}`).set(auth).expect(204);
      const gone = await request(server())
        .delete(`/api/v1/subjects/${created.body.id}`)
        .set(auth)
        .expect(404);
      expect(gone.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  describe('findings', () => {
    it('lists the tally with only the documented fields, never a value', async () => {
      const empty = await request(server()).get('/api/v1/findings').set(auth).expect(200);
      expect(empty.body).toEqual({ items: [], total: 0 });
      view.leaks.observe('alpha', 'placeos/org/state/sys-9/drv/Bookings/1/current', 1, ['email']);
      const res = await request(server()).get('/api/v1/findings').set(auth).expect(200);
      expect(res.body).toEqual({
        items: [
          {
            broker: 'alpha',
            detector: 'email',
            topicFilter: 'placeos/org/state/+/drv/Bookings/+/current',
            count: 1,
            firstSeen: expect.any(String),
            lastSeen: expect.any(String),
          },
        ],
        total: 1,
      });
      expect(res.text).not.toContain('must-not-leak');
    });
  });

  describe('impact', () => {
    const hashEmails = { name: 'hash-emails', match: { detector: 'email' }, action: 'hash' };

    it('counts what a proposed set would change per broker, storing and changing nothing', async () => {
      const before = await request(server()).get('/api/v1/rules').set(auth).expect(200);
      const res = await request(server())
        .post('/api/v1/rules/impact')
        .set(auth)
        .send({
          rules: [hashEmails, { ...hashEmails, name: 'off', action: 'drop', enabled: false }],
        })
        .expect(200);
      expect(res.body.brokers.map((b: { broker: string }) => b.broker)).toEqual(['alpha', 'beta']);
      expect(res.body.brokers[0]).toMatchObject({ changed: 3, dropped: 0, unchanged: 1 });
      expect(res.body.brokers[0].samples[0]).toEqual({
        topic: TEST_CURRENT_STATE[0].topic,
        before: expect.stringContaining('host1@example.com'),
        after: expect.stringMatching(/"host":"[0-9a-f]{64}"/),
      });
      const after = await request(server()).get('/api/v1/rules').set(auth).expect(200);
      expect(after.body).toEqual(before.body);
    });

    it('validates the proposed set exactly as PUT /api/v1/rules does', async () => {
      const invalid = [
        { name: 'a', action: 'explode' },
        { name: 'b', action: 'replace', match: { regex: '(a)\\1' } },
        hashEmails,
        hashEmails,
      ];
      const put = await request(server()).put('/api/v1/rules').set(auth).send(invalid).expect(400);
      const impact = await request(server())
        .post('/api/v1/rules/impact')
        .set(auth)
        .send({ rules: invalid })
        .expect(400);
      expect(impact.body.message).toEqual(
        (put.body.message as string[]).map((message) => `rules${message}`),
      );
      const duplicates = await request(server())
        .post('/api/v1/rules/impact')
        .set(auth)
        .send({ rules: [hashEmails, hashEmails] })
        .expect(400);
      expect(duplicates.body.message).toEqual([
        'rules[1].name "hash-emails" is already used by rules[0]',
      ]);
      for (const body of [
        [hashEmails],
        { rules: 'x' },
        {},
        { rules: [], extra: 1 },
        { rules: Array(1001).fill(hashEmails) },
      ]) {
        const res = await request(server()).post('/api/v1/rules/impact').set(auth).send(body);
        expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      }
    });

    it('compares against the rules in effect: the same set changes nothing', async () => {
      const saved = await request(server())
        .put('/api/v1/rules')
        .set(auth)
        .send([hashEmails])
        .expect(200);
      view.setCurrentRules(saved.body.items);
      try {
        const res = await request(server())
          .post('/api/v1/rules/impact')
          .set(auth)
          .send({ rules: [hashEmails] })
          .expect(200);
        expect(res.body.brokers[1]).toMatchObject({
          broker: 'beta',
          changed: 0,
          dropped: 0,
          unchanged: 4,
          samples: [],
        });
      } finally {
        view.setCurrentRules([]);
        await request(server()).put('/api/v1/rules').set(auth).send([]).expect(200);
      }
    });
  });

  it('lists the new routes in the OpenAPI document', async () => {
    const doc = await request(server()).get('/api/docs-json').expect(200);
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/v1/subjects']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/v1/subjects/{id}'])).toEqual(['delete']);
    expect(Object.keys(paths['/api/v1/findings'])).toEqual(['get']);
    expect(Object.keys(paths['/api/v1/rules/impact'])).toEqual(['post']);
    const schemas = doc.body.components.schemas as Record<string, { properties: object }>;
    expect(Object.keys(schemas.SubjectDto.properties)).not.toContain('subject');
    expect(Object.keys(schemas.FindingDto.properties).sort()).toEqual([
      'broker',
      'count',
      'detector',
      'firstSeen',
      'lastSeen',
      'topicFilter',
    ]);
    expect(Object.keys(schemas.BrokerImpactDto.properties).sort()).toEqual([
      'broker',
      'changed',
      'dropped',
      'samples',
      'unchanged',
    ]);
  });
});
