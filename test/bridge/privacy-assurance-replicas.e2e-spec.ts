import { findTestPostgres } from '@app/testing';
import request from 'supertest';
import { describe, it } from 'vitest';
import type { BridgeHarness } from '../support/bridge-harness';
import { currentHost, replicasSharingRules } from '../support/shared-rules-replicas';

/**
 * Data subjects across replicas sharing their rules store through PostgreSQL: a subject
 * registered through one replica's admin API redacts the retained state of the other within
 * 10 s, and deleting it through the other restores the first. Skipped, with the reason printed,
 * where no PostgreSQL is reachable.
 */
describe('bridge: data subjects across replicas (PostgreSQL)', async () => {
  const postgres = await findTestPostgres();
  describe.skipIf(!postgres.available)('two replicas, one schema', () => {
    const subject = 'Ivan.Subject@Example.com';
    const replicas = replicasSharingRules(postgres, 'Guests', subject);
    const hostOn = (h: BridgeHarness) => currentHost(h, 'Guests');

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
