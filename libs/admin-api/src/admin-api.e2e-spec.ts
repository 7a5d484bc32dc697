import { RULE_CONTENT_FIELDS } from '@app/rules-store';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestAdminApp,
  TestBridgeView,
  TEST_BROKER_SECRETS,
  TEST_PAYLOAD_TIME,
  type TestAdminApp,
} from './admin-api.e2e-helpers';

const TOKEN = 'test-admin-token-5f1c9a';

interface BookingPayload {
  time: number;
  value: { room: string; host: { email: string }; attendees: { email: string }[] };
}
const auth = { Authorization: `Bearer ${TOKEN}` };
const emailRule = {
  name: 'hash-booking-emails',
  description: 'hash emails in bookings',
  topic: 'placeos/+/state/#',
  match: { detector: 'email' },
  keys: ['host.email', 'attendees[*].email'],
  action: 'hash',
};

describe('admin API authentication', () => {
  let withoutToken: TestAdminApp;
  let withToken: TestAdminApp;
  beforeAll(async () => {
    withoutToken = await createTestAdminApp({});
    withToken = await createTestAdminApp({ adminToken: TOKEN });
  });
  afterAll(async () => {
    await withoutToken.close();
    await withToken.close();
  });

  it('refuses every request when ADMIN_TOKEN is not set, whatever is sent', async () => {
    const server = withoutToken.app.getHttpServer();
    for (const req of [
      request(server).get('/api/v1/rules'),
      request(server).get('/api/v1/rules').set('Authorization', 'Bearer anything'),
      request(server).get('/api/v1/rules').set('Authorization', 'Bearer '),
      request(server).post('/api/v1/rules').send(emailRule),
      request(server).get('/api/v1/brokers'),
    ]) {
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect(res.body.message).toMatch(/disabled because ADMIN_TOKEN is not set/);
    }
    expect(await withoutToken.store.list()).toEqual([]);
  });

  it('401s a missing, malformed or wrong token and never echoes the token', async () => {
    const server = withToken.app.getHttpServer();
    const attempts: [string | undefined, RegExp][] = [
      [undefined, /Missing bearer token/],
      [`Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, /Missing bearer token/],
      [TOKEN, /Missing bearer token/],
      ['Bearer wrong-token', /Invalid bearer token/],
      [`Bearer ${TOKEN}x`, /Invalid bearer token/],
      [`Bearer ${TOKEN.slice(0, -1)}`, /Invalid bearer token/],
    ];
    for (const [header, message] of attempts) {
      const req = request(server).get('/api/v1/rules');
      if (header !== undefined) req.set('Authorization', header);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        statusCode: 401,
        message: expect.stringMatching(message),
        error: 'Unauthorized',
      });
      expect(res.text).not.toContain(TOKEN);
    }
    const ok = await request(server).get('/api/v1/rules').set(auth);
    expect(ok.status).toBe(200);
    const lowerCase = await request(server)
      .get('/api/v1/brokers')
      .set('authorization', `bearer ${TOKEN}`);
    expect(lowerCase.status).toBe(200);
  });
});

describe('admin API rules', () => {
  let t: TestAdminApp;
  const server = () => t.app.getHttpServer();
  beforeAll(async () => {
    t = await createTestAdminApp({ adminToken: TOKEN, throttle: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates, reads, replaces, patches and deletes a rule with versions and ETags', async () => {
    const created = await request(server()).post('/api/v1/rules').set(auth).send(emailRule);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...emailRule,
      enabled: true,
      priority: 100,
      brokers: ['*'],
      version: 1,
    });
    const id: string = created.body.id;
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`/api/v1/rules/${id}`);
    expect(Date.parse(created.body.createdAt)).not.toBeNaN();

    const fetched = await request(server()).get(`/api/v1/rules/${id}`).set(auth);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);
    expect(fetched.headers.etag).toBe('"1"');

    const list = await request(server()).get('/api/v1/rules').set(auth);
    expect(list.body).toEqual({ items: [created.body], total: 1 });

    const replaced = await request(server())
      .put(`/api/v1/rules/${id}`)
      .set(auth)
      .set('If-Match', '"1"')
      .send({ ...emailRule, action: 'mask', mask: { char: '#', keepStart: 2 } });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id,
      version: 2,
      action: 'mask',
      createdAt: created.body.createdAt,
    });
    expect(replaced.body.mask).toMatchObject({ char: '#', keepStart: 2 });
    expect(replaced.headers.etag).toBe('"2"');

    const stale = await request(server())
      .put(`/api/v1/rules/${id}`)
      .set(auth)
      .set('If-Match', '"1"')
      .send(emailRule);
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      statusCode: 412,
      error: 'Precondition Failed',
      currentVersion: 2,
    });

    const patchedWeak = await request(server())
      .patch(`/api/v1/rules/${id}`)
      .set(auth)
      .set('If-Match', 'W/"2"')
      .send({ enabled: false, description: null });
    expect(patchedWeak.status).toBe(200);
    expect(patchedWeak.body).toMatchObject({
      id,
      version: 3,
      enabled: false,
      action: 'mask',
      name: emailRule.name,
    });
    expect(patchedWeak.body).not.toHaveProperty('description');
    expect(patchedWeak.headers.etag).toBe('"3"');

    const patchedUnquoted = await request(server())
      .patch(`/api/v1/rules/${id}`)
      .set(auth)
      .set('If-Match', '3')
      .send({ priority: -20 });
    expect(patchedUnquoted.body).toMatchObject({ version: 4, priority: -20, enabled: false });

    const noChange = await request(server())
      .patch(`/api/v1/rules/${id}`)
      .set(auth)
      .send({ priority: -20, enabled: false });
    expect(noChange.status).toBe(200);
    expect(noChange.body).toEqual(patchedUnquoted.body);
    expect(noChange.headers.etag).toBe('"4"');

    const badIfMatch = await request(server())
      .patch(`/api/v1/rules/${id}`)
      .set(auth)
      .set('If-Match', 'version four')
      .send({ priority: 1 });
    expect(badIfMatch.status).toBe(400);
    expect(badIfMatch.body.error).toBe('Bad Request');

    expect(
      (await request(server()).delete(`/api/v1/rules/${id}`).set(auth).set('If-Match', '"3"'))
        .status,
    ).toBe(412);
    const deleted = await request(server())
      .delete(`/api/v1/rules/${id}`)
      .set(auth)
      .set('If-Match', '"4"');
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await request(server()).get(`/api/v1/rules/${id}`).set(auth)).status).toBe(404);
    expect(await t.store.list()).toEqual([]);
  });

  it('answers 404 for unknown ids and 409 for taken names', async () => {
    for (const req of [
      request(server()).get('/api/v1/rules/rule-unknown'),
      request(server()).put('/api/v1/rules/rule-unknown').send(emailRule),
      request(server()).patch('/api/v1/rules/rule-unknown').send({ priority: 1 }),
      request(server()).delete('/api/v1/rules/rule-unknown'),
    ]) {
      const res = await req.set(auth);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
    const first = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .send({ name: 'first', action: 'drop' });
    const second = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .send({ name: 'second', action: 'drop' });
    const taken = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .send({ name: 'first', action: 'hash' });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    const renamed = await request(server())
      .patch(`/api/v1/rules/${second.body.id}`)
      .set(auth)
      .send({ name: 'first' });
    expect(renamed.status).toBe(409);
    const replaced = await request(server())
      .put(`/api/v1/rules/${second.body.id}`)
      .set(auth)
      .send({ name: 'first', action: 'drop' });
    expect(replaced.status).toBe(409);
    expect((await t.store.list()).map((r) => r.name)).toEqual(['first', 'second']);
    await t.store.delete(first.body.id);
    await t.store.delete(second.body.id);
  });

  it('lists rules in application order', async () => {
    await t.store.replaceAll([]);
    for (const [name, priority] of [
      ['c', 100],
      ['a', 5],
      ['d', 100],
      ['b', 5],
    ] as const)
      await request(server())
        .post('/api/v1/rules')
        .set(auth)
        .send({ name, priority, action: 'drop' });
    const list = await request(server()).get('/api/v1/rules').set(auth);
    expect(list.body.items.map((r: { name: string }) => r.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(list.body.total).toBe(4);
    await t.store.replaceAll([]);
  });

  it.each([
    ['a regex RE2 cannot run (backreference)', { match: { regex: '(a)\\1' } }, /match\.regex/],
    ['a regex RE2 cannot run (lookahead)', { match: { regex: 'foo(?=bar)' } }, /match\.regex/],
    [
      'detector and regex together',
      { match: { detector: 'email', regex: 'x' } },
      /regex cannot be combined with detector/,
    ],
    ['an unknown detector', { match: { detector: 'ssn' } }, /match\.detector must be one of/],
    ['an empty match', { match: {} }, /match\.detector/],
    [
      'flags without regex',
      { match: { detector: 'email', flags: 'i' } },
      /flags is only allowed together with regex/,
    ],
    ['bad flags', { match: { regex: 'x', flags: 'gx' } }, /match\.flags/],
    ['an array as match', { match: [{ detector: 'email' }] }, /match must be an object/],
    ['a string as match', { match: 'email' }, /match/],
    ['a number as a string', { priority: '5' }, /priority must be an integer/],
    ['a fractional priority', { priority: 1.5 }, /priority must be an integer/],
    [
      'a priority out of range',
      { priority: 1_000_001 },
      /priority must not be greater than 1000000/,
    ],
    ['an unknown field', { colour: 'red' }, /property colour should not exist/],
    ['a null field', { topic: null }, /topic/],
    [
      'a long name',
      { name: 'n'.repeat(101) },
      /name must be shorter than or equal to 100 characters/,
    ],
    ['a name with slashes', { name: 'a/b' }, /name may contain only/],
    [
      'an invalid topic filter',
      { topic: 'placeos/#/x' },
      /topic must be a valid MQTT topic filter/,
    ],
    ['a huge topic', { topic: 'a/'.repeat(600) }, /topic must be a valid MQTT topic filter/],
    ['"*" among broker ids', { brokers: ['*', 'aws'] }, /brokers must be/],
    ['a bad broker id', { brokers: ['aws iot'] }, /brokers must be/],
    [
      'too many keys',
      { keys: Array.from({ length: 33 }, (_, i) => `k${i}`) },
      /keys must contain no more than 32 elements/,
    ],
    ['an unparseable key path', { keys: ['a..b'] }, /keys/],
    ['an unknown action', { action: 'encrypt' }, /action must be one of/],
    [
      'a two-character mask',
      { action: 'mask', mask: { char: '**' } },
      /mask\.char must be exactly one character/,
    ],
    [
      'a mask keepStart above 64',
      { action: 'mask', mask: { keepStart: 65 } },
      /mask\.keepStart must not be greater than 64/,
    ],
    [
      'an extra mask field',
      { action: 'mask', mask: { colour: 1 } },
      /mask\.property colour should not exist/,
    ],
    [
      'a long replacement',
      { action: 'replace', replacement: 'r'.repeat(1001) },
      /replacement must be shorter/,
    ],
  ])('400s %s with field errors and stores nothing', async (_label, change, message) => {
    const res = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .send({ ...emailRule, ...change });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(Array.isArray(res.body.message)).toBe(true);
    expect(res.body.message.join('\n')).toMatch(message);
    expect(await t.store.list()).toEqual([]);
  });

  it('accepts a mask character outside the BMP and a regex with flags', async () => {
    const res = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .send({
        name: 'emoji-mask',
        action: 'mask',
        mask: { char: '🙈' },
        match: { regex: 'secret-\\d+', flags: 'i' },
      });
    expect(res.status).toBe(201);
    expect(res.body.mask.char).toBe('🙈');
    expect(res.body.match).toEqual({ regex: 'secret-\\d+', flags: 'i' });
    await t.store.delete(res.body.id);
  });

  it('rejects bodies that are not JSON objects of the right kind', async () => {
    const malformed = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"name": "x",');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      statusCode: 400,
      message: expect.stringMatching(/JSON/),
      error: 'Bad Request',
    });

    const text = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(emailRule));
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });

    const form = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .type('form')
      .send({ name: 'x', action: 'drop' });
    expect(form.status).toBe(415);

    const empty = await request(server()).post('/api/v1/rules').set(auth);
    expect(empty.status).toBe(400);

    const proto = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"name":"p","action":"drop","__proto__":{"admin":true}}');
    expect(proto.status).toBe(400);
    expect(proto.body.message.join()).toMatch(/__proto__/);
    const ctor = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"name":"p","action":"drop","match":{"constructor":{"prototype":{}}}}');
    expect(ctor.status).toBe(400);

    const deep = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send(`{"name":"deep","action":"drop","match":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(deep.status).toBe(400);

    const huge = await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .send({ ...emailRule, description: 'x'.repeat(1_100_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({
      statusCode: 413,
      message: 'The request body is larger than 1mb',
      error: 'Payload Too Large',
    });
    expect(await t.store.list()).toEqual([]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('replaces the whole set atomically, keeping ids of rules named again', async () => {
    const kept = await request(server()).post('/api/v1/rules').set(auth).send(emailRule);
    await request(server())
      .post('/api/v1/rules')
      .set(auth)
      .send({ name: 'goes-away', action: 'drop' });
    const set = [
      { ...emailRule, priority: 10 },
      { name: 'drop-debug', topic: 'placeos/+/state/Debug/#', action: 'drop' },
    ];
    const res = await request(server()).put('/api/v1/rules').set(auth).send(set);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items.map((r: { name: string }) => r.name)).toEqual([
      'hash-booking-emails',
      'drop-debug',
    ]);
    expect(res.body.items[0]).toMatchObject({ id: kept.body.id, version: 2, priority: 10 });
    expect((await request(server()).get('/api/v1/rules').set(auth)).body).toEqual(res.body);

    const before = await t.store.list();
    const revision = await t.store.revision();
    for (const body of [
      [...set, { name: 'bad', action: 'drop', match: { regex: '(?<=x)y' } }],
      [...set, { name: 'bad', action: 'explode' }],
      [...set, { ...set[1] }],
      { items: set },
      Array.from({ length: 1001 }, (_, i) => ({ name: `r${i}`, action: 'drop' })),
      [...set, 'not a rule'],
    ]) {
      const bad = await request(server()).put('/api/v1/rules').set(auth).send(body);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(Array.isArray(bad.body.message)).toBe(true);
    }
    const duplicate = await request(server())
      .put('/api/v1/rules')
      .set(auth)
      .send([...set, { ...set[1] }]);
    expect(duplicate.body.message.join()).toMatch(
      /\[2\]\.name "drop-debug" is already used by \[1\]/,
    );
    const invalid = await request(server())
      .put('/api/v1/rules')
      .set(auth)
      .send([set[0], { name: 'x', action: 'drop', priority: 'high' }]);
    expect(invalid.body.message.join()).toMatch(/\[1\]\.priority must be an integer/);
    expect(await t.store.list()).toEqual(before);
    expect(await t.store.revision()).toBe(revision);

    const thousand = Array.from({ length: 1000 }, (_, i) => ({
      name: `rule ${i}`,
      action: 'drop',
      priority: i % 7,
    }));
    const big = await request(server()).put('/api/v1/rules').set(auth).send(thousand);
    expect(big.status).toBe(200);
    expect(big.body.total).toBe(1000);
    const cleared = await request(server()).put('/api/v1/rules').set(auth).send([]);
    expect(cleared.body).toEqual({ items: [], total: 0 });
  });

  it('previews saved rules per broker: hashes differ by broker secret', async () => {
    await request(server())
      .put('/api/v1/rules')
      .set(auth)
      .send([emailRule, { name: 'disabled-drop', action: 'drop', enabled: false }]);
    const value = {
      host: { email: 'ada@example.com' },
      attendees: [{ email: 'bob@example.com' }],
      room: 'R1',
    };
    const topic = 'placeos/acme/state/sys-1/Bookings/1/bookings';
    const res = await request(server())
      .post('/api/v1/rules/preview')
      .set(auth)
      .send({ topic, value });
    expect(res.status).toBe(200);
    expect(res.body.topic).toBe(topic);
    expect(res.body.brokers.map((b: { broker: string }) => b.broker)).toEqual(
      Object.keys(TEST_BROKER_SECRETS),
    );
    const payloads = res.body.brokers.map(
      (b: { payload: string }) => JSON.parse(b.payload) as BookingPayload,
    ) as BookingPayload[];
    for (const [index, broker] of res.body.brokers.entries()) {
      expect(broker).toMatchObject({
        topic,
        dropped: false,
        applied: [{ name: emailRule.name, action: 'hash' }],
      });
      expect(broker.payload).not.toContain('example.com');
      expect(payloads[index].time).toBe(TEST_PAYLOAD_TIME);
      expect(payloads[index].value.room).toBe('R1');
      expect(payloads[index].value.host.email).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(payloads[0].value.host.email).not.toBe(payloads[1].value.host.email);
    expect(payloads[0].value.host.email).not.toBe(payloads[0].value.attendees[0].email);

    const untouched = await request(server())
      .post('/api/v1/rules/preview')
      .set(auth)
      .send({ topic: 'placeos/acme/other', value: null });
    expect(untouched.status).toBe(200);
    for (const broker of untouched.body.brokers) {
      expect(broker).toMatchObject({ dropped: false, applied: [] });
      expect(JSON.parse(broker.payload)).toEqual({ time: TEST_PAYLOAD_TIME, value: null });
    }
  });

  it('previews unsaved rules in their priority order without saving them', async () => {
    const before = await t.store.list();
    const topic = 'placeos/acme/state/sys-1/Bookings/1/bookings';
    const res = await request(server())
      .post('/api/v1/rules/preview')
      .set(auth)
      .send({
        topic,
        value: { host: { email: 'ada@example.com' } },
        rules: [
          { name: 'drop-on-beta', action: 'drop', brokers: ['beta'], priority: 50 },
          {
            name: 'replace-emails',
            action: 'replace',
            match: { detector: 'email' },
            priority: 10,
            replacement: 'X',
          },
          { name: 'off', action: 'drop', enabled: false },
        ],
      });
    expect(res.status).toBe(200);
    const [alpha, beta] = res.body.brokers;
    expect(alpha).toMatchObject({
      broker: 'alpha',
      dropped: false,
      applied: [{ name: 'replace-emails', action: 'replace' }],
    });
    expect(JSON.parse(alpha.payload).value).toEqual({ host: { email: 'X' } });
    expect(alpha.applied[0].id).toMatch(/^preview-/);
    expect(beta).toMatchObject({ broker: 'beta', dropped: true, topic: null, payload: null });
    expect(beta.applied.map((a: { name: string }) => a.name)).toEqual([
      'replace-emails',
      'drop-on-beta',
    ]);
    expect(await t.store.list()).toEqual(before);
  });

  it.each([
    ['no value', { topic: 'a/b' }, /value is required/],
    ['a wildcard topic', { topic: 'a/+/b', value: 1 }, /topic must be an MQTT topic name/],
    ['a topic that is a number', { topic: 7, value: 1 }, /topic must be a string/],
    [
      'an unrunnable unsaved regex',
      {
        topic: 'a',
        value: 'x',
        rules: [{ name: 'r', action: 'drop', match: { regex: '(x)\\1' } }],
      },
      /rules\.0\.match\.regex/,
    ],
    [
      'an invalid unsaved rule',
      { topic: 'a', value: 'x', rules: [{ name: 'r', action: 'nope' }] },
      /rules\.0\.action must be one of/,
    ],
    [
      'duplicate unsaved names',
      {
        topic: 'a',
        value: 'x',
        rules: [
          { name: 'r', action: 'drop' },
          { name: 'r', action: 'hash' },
        ],
      },
      /rules\.1\.name "r" is already used by rules\.0/,
    ],
    [
      'too many unsaved rules',
      {
        topic: 'a',
        value: 'x',
        rules: Array.from({ length: 101 }, (_, i) => ({ name: `r${i}`, action: 'drop' })),
      },
      /rules must contain no more than 100 elements/,
    ],
    [
      'an object as rules',
      { topic: 'a', value: 'x', rules: { name: 'r', action: 'drop' } },
      /rules must be an array/,
    ],
  ])('400s a preview with %s', async (_label, body, message) => {
    const res = await request(server()).post('/api/v1/rules/preview').set(auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.message.join('\n')).toMatch(message);
  });

  it('lists brokers without credentials or secrets', async () => {
    const res = await request(server()).get('/api/v1/brokers').set(auth);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]).toEqual({
      id: 'alpha',
      url: 'mqtts://alpha.example.com:8883',
      connected: true,
      queued: 0,
      inFlight: 0,
      published: 10,
      refused: 0,
      reconnects: 0,
    });
    expect(res.body.items[1]).toMatchObject({
      id: 'beta',
      connected: false,
      inFlight: 2,
      lastError: 'connect ECONNREFUSED',
    });
    for (const secret of [...Object.values(TEST_BROKER_SECRETS), 'hunter2', 'bridge-user'])
      expect(res.text).not.toContain(secret);
  });

  it('documents every route and the rule schema at /api/docs-json', async () => {
    const res = await request(server()).get('/api/docs-json');
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/v1/rules']).sort()).toEqual(['get', 'post', 'put']);
    expect(Object.keys(paths['/api/v1/rules/{id}']).sort()).toEqual([
      'delete',
      'get',
      'patch',
      'put',
    ]);
    expect(Object.keys(paths['/api/v1/rules/preview'])).toEqual(['post']);
    expect(Object.keys(paths['/api/v1/brokers'])).toEqual(['get']);
    const schemas = res.body.components.schemas;
    expect(Object.keys(schemas.RuleInputDto.properties)).toEqual(
      expect.arrayContaining([...RULE_CONTENT_FIELDS]),
    );
    expect(schemas.RuleInputDto.required).toEqual(expect.arrayContaining(['name', 'action']));
    expect(schemas.RuleMatchDto.properties.detector.enum).toEqual(
      expect.arrayContaining(['email', 'uuid', 'phone', 'ipv4', 'placeos_user_id']),
    );
    expect(Object.keys(schemas.RuleMaskDto.properties).sort()).toEqual([
      'char',
      'keepDomain',
      'keepEnd',
      'keepStart',
    ]);
    expect(paths['/api/v1/rules/{id}'].put).toMatchObject({ security: [{ bearer: [] }] });
    expect(res.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const ui = await request(server()).get('/api/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});

describe('admin API rate limiting', () => {
  let t: TestAdminApp;
  beforeAll(async () => {
    t = await createTestAdminApp({ adminToken: TOKEN, throttle: { limit: 3, ttlMs: 60_000 } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 once a client exceeds the limit, even with a wrong token', async () => {
    const server = t.app.getHttpServer();
    for (let i = 0; i < 3; i++)
      expect((await request(server).get('/api/v1/rules').set(auth)).status).toBe(200);
    const limited = await request(server).get('/api/v1/rules').set(auth);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(
      (await request(server).get('/api/v1/brokers').set('Authorization', 'Bearer guess')).status,
    ).toBe(429);
  });
});

describe('admin API failures that are not the client fault', () => {
  let t: TestAdminApp;
  beforeAll(async () => {
    class BrokenView extends TestBridgeView {
      override preview(): never {
        throw new Error('internal detail 7f3a');
      }
    }
    t = await createTestAdminApp({ adminToken: TOKEN }, new BrokenView());
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a bug with a bare 500 and an unusable store with a 503, revealing nothing', async () => {
    const server = t.app.getHttpServer();
    const bug = await request(server)
      .post('/api/v1/rules/preview')
      .set(auth)
      .send({ topic: 'a', value: 1 });
    expect(bug.status).toBe(500);
    expect(bug.body).toEqual({
      statusCode: 500,
      message: 'Internal server error',
      error: 'Internal Server Error',
    });
    expect(bug.text).not.toContain('7f3a');
    await t.store.close();
    const down = await request(server).get('/api/v1/rules').set(auth);
    expect(down.status).toBe(503);
    expect(down.body).toEqual({
      statusCode: 503,
      message: 'The rules store is unavailable',
      error: 'Service Unavailable',
    });
    expect((await request(server).get('/api/v1/brokers').set(auth)).status).toBe(200);
  });
});
