import { findTestPostgres } from '@app/testing';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { BridgeHarness } from '../support/bridge-harness';
import { currentHost, replicasSharingRules } from '../support/shared-rules-replicas';

/**
 * Two replicas sharing their rules through PostgreSQL (RULES_DB=postgres://…): a rule saved
 * through one replica's admin API reaches the other replica's retained state, with no restart
 * and no new state change. Skipped, with the reason printed, where no PostgreSQL is reachable.
 */
describe('bridge: replicas sharing a PostgreSQL rules store', async () => {
  const postgres = await findTestPostgres();
  describe.skipIf(!postgres.available)('two replicas, one schema', () => {
    const email = 'carol@example.com';
    const replicas = replicasSharingRules(postgres, 'Bookings', email);
    const hostOn = (h: BridgeHarness) => currentHost(h, 'Bookings');

    it('a rule created on one replica masks the retained value on the other, and its deletion restores it', async () => {
      const [a, b] = replicas;
      const created = await request(a.bridge.app.getHttpServer())
        .post('/api/v1/rules')
        .set({ authorization: `Bearer ${a.adminToken}` })
        .send({ name: 'mask-emails', match: { detector: 'email' }, action: 'mask' })
        .expect(201);
      await b.recorders[0].waitFor(
        () => hostOn(b) !== email && hostOn(b)?.includes('*') === true,
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
        () => hostOn(a) === email,
        15_000,
        'restored on the first replica',
      );
    });
  });
});
