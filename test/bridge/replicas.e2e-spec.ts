import { findTestPostgres, testSchema } from '@app/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';

/**
 * Two replicas sharing their rules through PostgreSQL (RULES_DB=postgres://…): a rule saved
 * through one replica's admin API reaches the other replica's retained state, with no restart
 * and no new state change. Skipped, with the reason printed, where no PostgreSQL is reachable.
 */
describe('bridge: replicas sharing a PostgreSQL rules store', async () => {
  const postgres = await findTestPostgres();
  describe.skipIf(!postgres.available)('two replicas, one schema', () => {
    const replicas: BridgeHarness[] = [];
    let schema: ReturnType<typeof testSchema>;
    const email = 'carol@example.com';

    const bookingOn = (h: BridgeHarness) => {
      const topic = h.recorders[0].topics().find((t) => t.endsWith('/Bookings/1/current'));
      const payload = topic ? h.recorders[0].latest.get(topic) : undefined;
      return payload ? (parsePayload(payload).value as { host: string }) : undefined;
    };

    beforeAll(async () => {
      if (!postgres.available) return;
      schema = testSchema(postgres.url);
      for (let i = 0; i < 2; i++) {
        const h = await startHarness({ env: { RULES_DB: schema.url } });
        replicas.push(h);
        const w = h.sim.world;
        const org = w.addZone({ name: 'Org', tags: ['org'] });
        const sys = w.addSystem({ name: 'Shared room', zones: [org] });
        const mod = w.addModule(sys, { driverId: w.listDrivers()[0].id, customName: 'Bookings' });
        w.setState(mod, 'current', { host: email });
        await h.recorders[0].waitFor(() => bookingOn(h)?.host === email, 20_000, 'plain value');
      }
    });

    afterAll(async () => {
      for (const h of replicas) await h.close();
      await schema?.drop();
    });

    it('a rule created on one replica masks the retained value on the other, and its deletion restores it', async () => {
      const [a, b] = replicas;
      const created = await request(a.bridge.app.getHttpServer())
        .post('/api/v1/rules')
        .set({ authorization: `Bearer ${a.adminToken}` })
        .send({ name: 'mask-emails', match: { detector: 'email' }, action: 'mask' })
        .expect(201);
      await b.recorders[0].waitFor(
        () => bookingOn(b)?.host !== email && bookingOn(b)?.host.includes('*') === true,
        15_000,
        'masked on the other replica',
      );
      const listed = await request(b.bridge.app.getHttpServer())
        .get('/api/v1/rules')
        .set({ authorization: `Bearer ${b.adminToken}` })
        .expect(200);
      expect(listed.body.items.map((r: { id: string }) => r.id)).toEqual([created.body.id]);

      await request(b.bridge.app.getHttpServer())
        .delete(`/api/v1/rules/${created.body.id}`)
        .set({ authorization: `Bearer ${b.adminToken}` })
        .expect(204);
      await a.recorders[0].waitFor(
        () => bookingOn(a)?.host === email,
        15_000,
        'restored on the first replica',
      );
    });
  });
});
