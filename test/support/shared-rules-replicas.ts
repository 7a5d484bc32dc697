import { type TestPostgres, testSchema } from '@app/testing';
import { afterAll, beforeAll } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from './bridge-harness';
import { addRoomModule } from './sim-fixtures';

/** The `host` of module `customName`'s retained `current` state on the harness' first broker. */
export function currentHost(h: BridgeHarness, customName: string): string | undefined {
  const topic = h.recorders[0].topics().find((t) => t.endsWith(`/${customName}/1/current`));
  const payload = topic ? h.recorders[0].latest.get(topic) : undefined;
  return payload ? (parsePayload(payload).value as { host: string }).host : undefined;
}

/**
 * Two replicas sharing their rules store through one new PostgreSQL schema, started before the
 * calling describe's tests and closed after them (the schema dropped). Each has a system
 * `Shared room` with a module `customName` whose `current` state is `{ host }`, on its broker in
 * plain before the tests run. The returned array fills as the replicas start.
 */
export function replicasSharingRules(
  postgres: TestPostgres,
  customName: string,
  host: string,
): BridgeHarness[] {
  const replicas: BridgeHarness[] = [];
  let schema: ReturnType<typeof testSchema> | undefined;

  beforeAll(async () => {
    if (!postgres.available) return;
    schema = testSchema(postgres.url);
    for (let i = 0; i < 2; i++) {
      const h = await startHarness({ env: { RULES_DB: schema.url } });
      replicas.push(h);
      const { mod } = addRoomModule(h.sim.world, 'Shared room', customName);
      h.sim.world.setState(mod, 'current', { host });
      await h.recorders[0].waitFor(
        () => currentHost(h, customName) === host,
        20_000,
        'plain value',
      );
    }
  });

  afterAll(async () => {
    for (const h of replicas) await h.close();
    await schema?.drop();
  });

  return replicas;
}
