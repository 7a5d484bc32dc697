import { findTestPostgres, testSchema } from '@app/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';

/**
 * Data subjects across replicas sharing their rules store through PostgreSQL: a subject
 * registered through one replica's admin API redacts the retained state of the other within
 * 10 s, and deleting it through the other restores the first. Skipped, with the reason printed,
 * where no PostgreSQL is reachable.
 */
describe('bridge: data subjects across replicas (PostgreSQL)', async () => {
  const postgres = await findTestPostgres();
  describe.skipIf(!postgres.available)('two replicas, one schema', () => {
    const replicas: BridgeHarness[] = [];
    let schema: ReturnType<typeof testSchema>;
    const subject = 'Ivan.Subject@Example.com';

    const hostOn = (h: BridgeHarness) => {
      const topic = h.recorders[0].topics().find((t) => t.endsWith('/Guests/1/current'));
      const payload = topic ? h.recorders[0].latest.get(topic) : undefined;
      return payload ? (parsePayload(payload).value as { host: string }).host : undefined;
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
        const mod = w.addModule(sys, { driverId: w.listDrivers()[0].id, customName: 'Guests' });
        w.setState(mod, 'current', { host: subject });
        await h.recorders[0].waitFor(() => hostOn(h) === subject, 20_000, 'plain value');
      }
    });

    afterAll(async () => {
      for (const h of replicas) await h.close();
      await schema?.drop();
    });

    it('a subject registered on one replica is redacted on the other within 10 s, and deleting it there restores the first', async () => {
      const [a, b] = replicas;
      const created = await request(a.bridge.app.getHttpServer())
        .post('/api/v1/subjects')
        .set({ authorization: `Bearer ${a.adminToken}` })
        .send({ subject: 'ivan.subject@example.com', action: 'replace', replacement: '(erased)' })
        .expect(201);
      for (const h of replicas) {
        await h.recorders[0].waitFor(
          () => hostOn(h) === '(erased)',
          10_000,
          'the subject redacted on each replica',
        );
      }
      await request(b.bridge.app.getHttpServer())
        .delete(`/api/v1/subjects/${created.body.id}`)
        .set({ authorization: `Bearer ${b.adminToken}` })
        .expect(204);
      await a.recorders[0].waitFor(
        () => hostOn(a) === subject,
        10_000,
        'restored on the first replica',
      );
    });
  });
});
