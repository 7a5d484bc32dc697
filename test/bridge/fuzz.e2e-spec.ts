import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';
import { addRoomModule } from '../support/sim-fixtures';

const ROUTES: Array<{ method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string }> = [
  { method: 'get', path: '/api/v1/rules' },
  { method: 'post', path: '/api/v1/rules' },
  { method: 'put', path: '/api/v1/rules' },
  { method: 'get', path: '/api/v1/rules/x' },
  { method: 'put', path: '/api/v1/rules/x' },
  { method: 'patch', path: '/api/v1/rules/x' },
  { method: 'delete', path: '/api/v1/rules/x' },
  { method: 'post', path: '/api/v1/rules/preview' },
  { method: 'get', path: '/api/v1/brokers' },
  { method: 'get', path: '/health/live' },
  { method: 'get', path: '/health/ready' },
  { method: 'get', path: '/metrics' },
];

/** Bodies that look like rules, previews or nothing at all, with wrong types in every field. */
const ruleish = fc.record(
  {
    name: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    topic: fc.oneof(fc.string(), fc.constantFrom('#', '+/+', 'a/#/b', '\u0000')),
    action: fc.oneof(fc.constantFrom('hash', 'mask', 'replace', 'drop', 'explode'), fc.anything()),
    match: fc.oneof(
      fc.record({ regex: fc.oneof(fc.string(), fc.constantFrom('(a+)+$', '(a)\\1', '(?=x)')) }),
      fc.record({ detector: fc.string() }),
      fc.anything(),
    ),
    keys: fc.oneof(fc.array(fc.string()), fc.anything()),
    priority: fc.oneof(fc.integer(), fc.double(), fc.string()),
    brokers: fc.oneof(fc.array(fc.string()), fc.anything()),
    mask: fc.anything(),
    value: fc.jsonValue(),
    rules: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('bridge: hostile HTTP input', () => {
  let h: BridgeHarness;
  let mod: string;

  beforeAll(async () => {
    h = await startHarness({ env: { ADMIN_RATE_LIMIT: '0' } });
    ({ mod } = addRoomModule(h.sim.world, 'Fuzz', 'Fuzzed'));
  });

  afterAll(async () => {
    await h?.close();
  });

  it('answers hundreds of malformed requests on every route without a 5xx, and keeps publishing', async () => {
    const server = h.bridge.app.getHttpServer();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.oneof(
          ruleish,
          fc.array(ruleish, { maxLength: 3 }),
          fc.jsonValue(),
          fc.string().map((s) => ({ raw: `{"name": ${s}` })),
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        fc.boolean(),
        async (route, body, contentType, withToken) => {
          let req = request(server)[route.method](route.path).set('content-type', contentType);
          if (withToken) req = req.set('authorization', `Bearer ${h.adminToken}`);
          const payload =
            typeof body === 'object' &&
            body !== null &&
            'raw' in body &&
            typeof body.raw === 'string'
              ? body.raw
              : JSON.stringify(body);
          const res = await req.send(payload);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          // Readiness answers 503 by design while PlaceOS is still syncing.
          const allowed = route.path === '/health/ready' && res.status === 503;
          if (!allowed) {
            expect(
              res.status,
              `${route.method} ${route.path} → ${res.status} ${res.text}`,
            ).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 400 },
    );
    expect([...statuses.keys()].filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    h.sim.world.setState(mod, 'after_fuzz', 'still here');
    const rec = h.recorders[0];
    await rec.waitFor(
      () =>
        rec
          .topics()
          .some(
            (t) =>
              t.endsWith('/Fuzzed/1/after_fuzz') &&
              parsePayload(rec.latest.get(t)!).value === 'still here',
          ),
      20_000,
      'a state change published after the fuzzing',
    );
  });
});
