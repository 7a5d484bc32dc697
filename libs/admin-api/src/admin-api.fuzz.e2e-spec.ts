import { RULE_CONTENT_FIELDS } from '@app/rules-store';
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAdminApp, type TestAdminApp } from './admin-api.e2e-helpers';

const TOKEN = 'fuzz-token';
const RULE_FIELDS = [
  ...RULE_CONTENT_FIELDS,
  'id',
  'version',
  'detector',
  'regex',
  'flags',
  'char',
  'keepStart',
  'keepEnd',
  'keepDomain',
  'value',
  'rules',
  'subject',
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Every route and method; `:id` is filled with a real id, an unknown one or junk. */
const ROUTES: [Method, string][] = [
  ['get', '/api/v1/rules'],
  ['post', '/api/v1/rules'],
  ['put', '/api/v1/rules'],
  ['get', '/api/v1/rules/:id'],
  ['put', '/api/v1/rules/:id'],
  ['patch', '/api/v1/rules/:id'],
  ['delete', '/api/v1/rules/:id'],
  ['post', '/api/v1/rules/preview'],
  ['post', '/api/v1/rules/impact'],
  ['get', '/api/v1/brokers'],
  ['get', '/api/v1/findings'],
  ['get', '/api/v1/subjects'],
  ['post', '/api/v1/subjects'],
  ['delete', '/api/v1/subjects/:id'],
];

const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    maxLength: 8,
  }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '#',
    '+',
    'a/#/b',
    '*',
    '(a)\\1',
    '(?=x)',
    '[',
    '\\',
    '%',
    '🙈',
    '\u202e',
    'x'.repeat(5000),
  ),
);
const deepValue = fc.integer({ min: 20, max: 3000 }).map((depth) => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { match: value };
  return value;
});
const wrongValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  weirdString,
  deepValue,
  fc.constant(null),
  fc.double(),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
);
const ruleLike = fc.dictionary(fc.constantFrom(...RULE_FIELDS), wrongValue, { maxKeys: 8 });
const nearlyValidRule = fc.record(
  {
    name: fc.oneof(fc.stringMatching(/^[a-z]{1,10}$/), weirdString),
    action: fc.oneof(fc.constantFrom('hash', 'mask', 'replace', 'drop'), wrongValue),
    match: fc.oneof(
      fc.record({ detector: fc.constantFrom('email', 'uuid', 'phone', 'x') }),
      fc.record(
        {
          regex: weirdString,
          flags: fc.oneof(fc.constantFrom('i', 'imsu', 'g', 'ii'), wrongValue),
        },
        { requiredKeys: ['regex'] },
      ),
      wrongValue,
    ),
    mask: fc.oneof(
      fc.record(
        { char: weirdString, keepStart: fc.oneof(fc.integer(), wrongValue) },
        { requiredKeys: [] },
      ),
      wrongValue,
    ),
    keys: fc.oneof(fc.array(weirdString, { maxLength: 40 }), wrongValue),
    topic: fc.oneof(weirdString, wrongValue),
    brokers: fc.oneof(fc.array(weirdString, { maxLength: 70 }), wrongValue),
    priority: fc.oneof(fc.integer(), fc.double(), wrongValue),
  },
  { requiredKeys: [] },
);
const subjectLike = fc.record(
  {
    subject: fc.oneof(weirdString, fc.emailAddress(), wrongValue),
    action: fc.oneof(fc.constantFrom('replace', 'hash', 'drop', 'mask'), wrongValue),
    replacement: fc.oneof(weirdString, wrongValue),
  },
  { requiredKeys: [] },
);
const jsonBody = fc
  .oneof(
    fc.anything({ maxDepth: 4 }),
    subjectLike,
    fc.record(
      {
        rules: fc.oneof(
          fc.array(fc.oneof(ruleLike, nearlyValidRule), { maxLength: 5 }),
          wrongValue,
        ),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue({ maxDepth: 6 }),
    ruleLike,
    nearlyValidRule,
    fc.array(fc.oneof(ruleLike, nearlyValidRule), { maxLength: 5 }),
    fc.record(
      {
        topic: fc.oneof(weirdString, wrongValue),
        value: fc.oneof(fc.jsonValue(), deepValue),
        rules: fc.oneof(
          fc.array(fc.oneof(ruleLike, nearlyValidRule), { maxLength: 4 }),
          wrongValue,
        ),
      },
      { requiredKeys: [] },
    ),
  )
  .map((value) => JSON.stringify(value) as string | undefined);
const rawBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '{',
    '[',
    '{"name":',
    'null',
    '"str"',
    '12',
    'true',
    '{"a":1}{"b":2}',
    '\uFEFF{}',
    '{"name":"x","action":"drop",}',
  ),
  fc
    .tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 2 }))
    .map(
      ([key, value]) => `{"name":"p","action":"drop","match":{"${key}":${JSON.stringify(value)}}}`,
    ),
  fc
    .constantFrom(...PROTO_KEYS)
    .map((key) => `[{"name":"p","action":"drop","${key}":{"polluted":true}}]`),
  fc.integer({ min: 10, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 10, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/merge-patch+json',
  undefined,
);
const ifMatch = fc.option(
  fc.oneof(
    fc.constantFrom('"1"', '1', 'W/"1"', '*', '"0"', '""', 'W/', '"99999999999999999999"'),
    fc.string({ maxLength: 12 }),
  ),
  { nil: undefined },
);
const idSegment = fc.oneof(
  fc.constant('KNOWN'),
  fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s) || 'x'),
  fc.constantFrom('%E0%A4%A', '%', '..', '%00', 'rule-' + 'z'.repeat(300), '%F0%9F%99%88'),
);

describe('admin API fuzzing: nothing a client sends causes a 5xx', () => {
  let t: TestAdminApp;
  let knownId: string;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    t = await createTestAdminApp({ adminToken: TOKEN, throttle: false });
    knownId = (
      await t.store.create({ name: 'known', action: 'hash', match: { detector: 'email' } })
    ).id;
  });
  afterAll(async () => {
    await t.close();
  });

  async function send(
    route: [Method, string],
    id: string,
    body: string | undefined,
    type: string | undefined,
    version: string | undefined,
  ): Promise<number> {
    const [method, template] = route;
    const path = template.replace(':id', id === 'KNOWN' ? knownId : id);
    const req = request(t.app.getHttpServer())
      [method](path)
      .set('Authorization', `Bearer ${TOKEN}`);
    if (type !== undefined) req.set('Content-Type', type);
    if (version !== undefined) req.set('If-Match', version.replace(/[\r\n]/g, ''));
    const res = body === undefined ? await req : await req.send(body);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500)
      throw new Error(
        `${method.toUpperCase()} ${path} → ${res.status}: ${res.text}\nbody: ${body?.slice(0, 500)}`,
      );
    return res.status;
  }

  it('survives structured junk (wrong types, huge and weird strings, deep nesting) on every route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        idSegment,
        jsonBody,
        contentType,
        ifMatch,
        async (route, id, body, type, version) => {
          await send(route, id, body, type, version);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('survives raw malformed JSON on every route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        idSegment,
        rawBody,
        contentType,
        ifMatch,
        async (route, id, body, type, version) => {
          await send(route, id, body, type, version);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('sends every route each kind of hostile body at least once', async () => {
    const bodies = [
      undefined,
      '',
      '{',
      '{"__proto__":{"polluted":true},"name":"p","action":"drop"}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      JSON.stringify({ name: 'x'.repeat(300_000), action: 'drop' }),
      `{"value":${'['.repeat(50_000)}${']'.repeat(50_000)},"topic":"a"}`,
      JSON.stringify({
        topic: 'a',
        value: 'x',
        rules: Array.from({ length: 200 }, () => ({
          name: 'r',
          action: 'drop',
          match: { regex: '(a+)+$' },
        })),
      }),
      JSON.stringify(Array.from({ length: 1500 }, (_, i) => ({ name: `n${i}`, action: 'drop' }))),
    ];
    for (const route of ROUTES)
      for (const body of bodies)
        for (const id of ['KNOWN', 'missing'])
          expect(
            await send(route, id, body, body === undefined ? undefined : 'application/json', '"1"'),
          ).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('still answers valid requests correctly afterwards', async () => {
    expect(statuses.size).toBeGreaterThan(3);
    const server = t.app.getHttpServer();
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const known = await request(server).get(`/api/v1/rules/${knownId}`).set(auth);
    expect([200, 404]).toContain(known.status);
    const created = await request(server)
      .post('/api/v1/rules')
      .set(auth)
      .send({ name: 'after-fuzz', action: 'replace', match: { detector: 'uuid' } });
    expect(created.status).toBe(201);
    const list = await request(server).get('/api/v1/rules').set(auth);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { name: string }) => r.name)).toContain('after-fuzz');
    const subject = await request(server)
      .post('/api/v1/subjects')
      .set(auth)
      .send({ subject: 'after-fuzz@example.com', action: 'replace' });
    // The fuzzer may have registered this address already (409); either way it is listed.
    expect([201, 409]).toContain(subject.status);
    const subjects = await request(server).get('/api/v1/subjects').set(auth);
    expect(subjects.status).toBe(200);
    expect(subjects.text).not.toContain('after-fuzz@example.com');
    const impact = await request(server)
      .post('/api/v1/rules/impact')
      .set(auth)
      .send({ rules: [{ name: 'x', action: 'drop' }] });
    expect(impact.status).toBe(200);
    expect(impact.body.brokers[0]).toMatchObject({ broker: 'alpha', dropped: 4 });
    const preview = await request(server)
      .post('/api/v1/rules/preview')
      .set(auth)
      .send({ topic: 'placeos/x', value: { id: '123e4567-e89b-12d3-a456-426614174000' } });
    expect(preview.status).toBe(200);
    expect(preview.body.brokers[0].payload).not.toContain('123e4567');
  });
});
