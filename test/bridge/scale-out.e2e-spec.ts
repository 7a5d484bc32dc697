import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shardOf } from '@app/placeos-client';
import { type Simulator, startSimulator } from '@app/placeos-sim';
import {
  findTestPostgres,
  MqttRecorder,
  startTestBroker,
  type TestBroker,
  testSchema,
} from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeProcess } from '../support/bridge-process';

const REPLICAS = 3;
const TOKEN = 'scale-out-admin-token-0123456789';
const STATUS_PREFIX = 'placeos/_bridge/';

function groupByShard<T extends { id: string }>(systems: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const system of systems) {
    const shard = shardOf(system.id, REPLICAS);
    groups.set(shard, [...(groups.get(shard) ?? []), system]);
  }
  return groups;
}

/** `{"time":…,"value":X}` → X's text: what must match byte for byte apart from `time`. */
const valueText = (payload: Buffer) => payload.toString('utf8').replace(/^\{"time":\d+,/, '{');

/**
 * Three replicas (real processes of the built bridge, real SIGTERM) against one simulator, one
 * mosquitto and one PostgreSQL rules store, beside a single bridge on its own broker as the
 * reference: together the replicas publish exactly what one bridge does, each topic once.
 */
describe('scale-out: replicas on one broker', async () => {
  const postgres = await findTestPostgres();
  describe.skipIf(!postgres.available)('three replicas sharing PostgreSQL rules', () => {
    let sim: Simulator;
    let shared: TestBroker;
    let reference: TestBroker;
    let onShared: MqttRecorder;
    let onReference: MqttRecorder;
    let single: BridgeProcess;
    const replicas: BridgeProcess[] = [];
    let schema: ReturnType<typeof testSchema>;
    const baseEnv = () => ({
      PLACEOS_URL: sim.url,
      PLACEOS_API_KEY: sim.apiKey,
      ADMIN_TOKEN: TOKEN,
      PLACEOS_TOPOLOGY_POLL_MS: '1000',
      PLACEOS_KEY_POLL_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      MQTT_SECRET: 'one-secret-for-every-replica',
    });
    const replicaEnv = (index: number) => ({
      ...baseEnv(),
      MQTT_URL: shared.url,
      RULES_DB: schema.url,
      SHARD_COUNT: String(REPLICAS),
      SHARD_INDEX: String(index),
      INSTANCE_ID: `replica-${index}`,
      MQTT_CLIENT_ID: 'placeos-bridge-{shard}',
    });
    const stateTopics = (recorder: MqttRecorder) =>
      recorder.topics().filter((t) => t.includes('/state/'));

    /** How many state topics one bridge publishes: every key of every module of a system in an org. */
    const expectedStateTopics = () => {
      let count = 0;
      for (const system of sim.world.listSystems()) {
        const inOrg = system.zones.some((z) => sim.world.zoneRecord(z)?.tags.includes('org'));
        if (!inOrg) continue;
        for (const moduleId of system.modules) count += sim.world.stateHash(moduleId)?.size ?? 0;
      }
      return count;
    };

    const sameAsReference = () => {
      const mine = onShared.topics().filter((t) => !t.startsWith(STATUS_PREFIX));
      const theirs = onReference.topics().filter((t) => !t.startsWith(STATUS_PREFIX));
      if (mine.length !== theirs.length || mine.some((t, i) => t !== theirs[i])) return false;
      return mine.every(
        (t) => valueText(onShared.latest.get(t)!) === valueText(onReference.latest.get(t)!),
      );
    };

    /** The first topics where the replicas and the single bridge differ (for failure messages). */
    const differences = () => {
      const mine = new Set(onShared.topics().filter((t) => !t.startsWith(STATUS_PREFIX)));
      const theirs = new Set(onReference.topics().filter((t) => !t.startsWith(STATUS_PREFIX)));
      const out: string[] = [];
      for (const t of mine) if (!theirs.has(t)) out.push(`only on the replicas' broker: ${t}`);
      for (const t of theirs) if (!mine.has(t)) out.push(`only on the single bridge's: ${t}`);
      for (const t of mine) {
        if (
          theirs.has(t) &&
          valueText(onShared.latest.get(t)!) !== valueText(onReference.latest.get(t)!)
        )
          out.push(`different at ${t}`);
      }
      return out.slice(0, 10);
    };
    /** The condition spans two brokers, so it is checked when either recorder hears something. */
    const agree = async (timeoutMs: number, what: string) => {
      const deadline = Date.now() + timeoutMs;
      while (!sameAsReference()) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(`timed out waiting for ${what}; ${JSON.stringify(differences())}`);
        }
        const heard = (r: MqttRecorder) => {
          const seen = r.messages.length;
          return r.waitFor(() => r.messages.length > seen, left, what).catch(() => undefined);
        };
        await Promise.race([heard(onShared), heard(onReference)]);
      }
    };

    beforeAll(async () => {
      if (!postgres.available) return;
      schema = testSchema(postgres.url);
      sim = await startSimulator({
        seed: 31,
        portfolio: {
          orgs: 1,
          regionsPerOrg: 1,
          buildingsPerRegion: 2,
          levelsPerBuilding: 3,
          roomsPerLevel: 4,
        },
      });
      shared = await startTestBroker();
      reference = await startTestBroker();
      onShared = await MqttRecorder.connect(shared.url, 'placeos/#');
      onReference = await MqttRecorder.connect(reference.url, 'placeos/#');
      single = await BridgeProcess.start({
        ...baseEnv(),
        MQTT_URL: reference.url,
        RULES_DB: `sqlite:${join(mkdtempSync(join(tmpdir(), 'scale-out-')), 'rules.db')}`,
        INSTANCE_ID: 'single',
      });
      for (let i = 0; i < REPLICAS; i++) replicas.push(await BridgeProcess.start(replicaEnv(i)));
      await Promise.all([single, ...replicas].map((p) => p.waitReady()));
      const expected = expectedStateTopics();
      await onShared.waitFor(
        () => stateTopics(onShared).length === expected,
        30_000,
        'replicas synced',
      );
      await onReference.waitFor(
        () => stateTopics(onReference).length === expected,
        30_000,
        'single synced',
      );
      await agree(30_000, 'same metadata on both brokers');
    }, 120_000);

    afterAll(async () => {
      await Promise.all([single, ...replicas].map((p) => p?.kill()));
      await onShared?.close();
      await onReference?.close();
      await shared?.stop();
      await reference?.stop();
      await sim?.close();
      await schema?.drop();
    });

    it('together publish what one bridge publishes, byte for byte apart from time, each topic once', () => {
      const topics = onShared.topics().filter((t) => !t.startsWith(STATUS_PREFIX));
      expect(topics.length).toBeGreaterThan(100);
      expect(topics).toEqual(onReference.topics().filter((t) => !t.startsWith(STATUS_PREFIX)));
      const metadata = topics.filter((t) => t.includes('/metadata/'));
      expect(metadata.length).toBeGreaterThan(10);
      // Metadata carries the model's updated_at as its time: identical bytes, time included.
      for (const topic of metadata) {
        expect(onShared.latest.get(topic)?.toString()).toBe(
          onReference.latest.get(topic)?.toString(),
        );
      }
      const published = new Map<string, number>();
      for (const message of onShared.messages) {
        published.set(message.topic, (published.get(message.topic) ?? 0) + 1);
      }
      const repeated = [...published].filter(
        ([topic, n]) => n > 1 && !topic.startsWith(STATUS_PREFIX),
      );
      expect(repeated).toEqual([]);
      // Every replica did publish: each has its birth message, and state of its own systems.
      for (let i = 0; i < REPLICAS; i++) {
        expect(onShared.latest.get(`${STATUS_PREFIX}replica-${i}/status`)?.toString()).toBe(
          'online',
        );
      }
      const shardsSeen = new Set(
        stateTopics(onShared).map((t) => shardOf(t.split('/')[6], REPLICAS)),
      );
      expect([...shardsSeen].sort()).toEqual([0, 1, 2]);
    });

    it("keeps a zone's metadata when one replica's last system in it goes, since another replica's system still uses it", async () => {
      const zoneTopic = (zoneId: string) =>
        onShared.topics().find((t) => t.endsWith(`/metadata/${zoneId}`));
      // A level zone whose systems fall to at least two replicas.
      const zone = sim.world
        .listZones()
        .filter((z) => z.tags.includes('level') && zoneTopic(z.id) !== undefined)
        .map((z) => {
          const systems = sim.world.listSystems().filter((s) => s.zones.includes(z.id));
          return { zone: z, bySystemShard: groupByShard(systems) };
        })
        .find((z) => z.bySystemShard.size >= 2);
      expect(zone).toBeDefined();
      const [leaving, goners] = [...zone!.bySystemShard][0];
      const topic = zoneTopic(zone!.zone.id)!;
      const before = onShared.latest.get(topic)!.toString();
      const goneStatePrefixes = goners.map((s) => `/${s.id}/`);
      // A positive event from the zone topic's owner, made after the deletion: once it is on
      // the broker, the owner has read a topology without the deleted systems.
      const owner = shardOf(topic, REPLICAS);
      const witness = sim.world
        .listZones()
        .find(
          (z) =>
            z.id !== zone!.zone.id &&
            zoneTopic(z.id) &&
            shardOf(zoneTopic(z.id)!, REPLICAS) === owner,
        );
      expect(witness).toBeDefined();
      onShared.clear();
      for (const system of goners) sim.world.removeSystem(system.id);
      sim.world.updateZone(witness!.id, { name: 'Witness renamed' });
      await onShared.waitFor(
        () =>
          (onShared.json(zoneTopic(witness!.id)!) as { value: { name: string } }).value.name ===
            'Witness renamed' &&
          !stateTopics(onShared).some((t) => goneStatePrefixes.some((p) => t.includes(p))),
        20_000,
        `replica ${leaving}'s systems cleared and the witness zone renamed`,
      );
      expect(onShared.latest.get(topic)?.toString()).toBe(before);
      expect(onShared.messages.filter((m) => m.topic === topic)).toEqual([]);
      await agree(15_000, 'both brokers agree again');
    });

    it('a rule created through replica 0 and deleted through replica 2 applies and un-applies everywhere', async () => {
      // One booking value with an e-mail address in a system of each replica.
      const touched = [0, 1, 2].map((shard) => {
        const system = sim.world
          .listSystems()
          .find(
            (s) => shardOf(s.id, REPLICAS) === shard && s.modules.length > 0 && s.zones.length > 0,
          )!;
        const moduleId = system.modules[0];
        sim.world.setState(moduleId, 'contact', { email: `person${shard}@example.com` });
        return { system: system.id, email: `person${shard}@example.com` };
      });
      const contactOf = (system: string) => {
        const topic = stateTopics(onShared).find(
          (t) => t.includes(`/${system}/`) && t.endsWith('/contact'),
        );
        return topic
          ? (onShared.json(topic) as { value: { email: string } }).value.email
          : undefined;
      };
      await onShared.waitFor(
        () => touched.every((t) => contactOf(t.system) === t.email),
        15_000,
        'plain e-mails',
      );

      const created = await replicas[0].request('POST', '/api/v1/rules', TOKEN, {
        name: 'hash-emails',
        match: { detector: 'email' },
        action: 'hash',
      });
      expect(created.status).toBe(201);
      const appliedFrom = Date.now();
      await onShared.waitFor(
        () => touched.every((t) => /^[0-9a-f]{64}$/.test(contactOf(t.system) ?? '')),
        5_000,
        'hashed on every replica',
      );
      console.info(`rule applied on all replicas in ${Date.now() - appliedFrom} ms`);
      const id = (created.body as { id: string }).id;
      expect((await replicas[2].request('DELETE', `/api/v1/rules/${id}`, TOKEN)).status).toBe(204);
      await onShared.waitFor(
        () => touched.every((t) => contactOf(t.system) === t.email),
        5_000,
        'restored on every replica',
      );
      await agree(15_000, 'both brokers agree again');
    });

    it('a rolling restart on real SIGTERMs loses no latest value and clears nothing that still exists', async () => {
      onShared.clear();
      const changed: string[] = [];
      for (let i = 0; i < REPLICAS; i++) {
        const exit = await replicas[i].terminate();
        expect(exit).toEqual({ code: 0, signal: null });
        expect(onShared.latest.get(`${STATUS_PREFIX}replica-${i}/status`)?.toString()).toBe(
          'offline',
        );
        // A change while this replica is away: its successor must publish it.
        const system = sim.world
          .listSystems()
          .find((s) => shardOf(s.id, REPLICAS) === i && s.modules.length > 0)!;
        sim.world.setState(system.modules[0], 'while_restarting', `changed during restart ${i}`);
        changed.push(system.id);
        replicas[i] = await BridgeProcess.start(replicaEnv(i));
        await replicas[i].waitReady();
        expect(onShared.latest.get(`${STATUS_PREFIX}replica-${i}/status`)?.toString()).toBe(
          'online',
        );
      }
      const changedValue = (recorder: MqttRecorder, system: string) => {
        const topic = stateTopics(recorder).find(
          (t) => t.includes(`/${system}/`) && t.endsWith('/while_restarting'),
        );
        return topic && (recorder.json(topic) as { value?: unknown }).value;
      };
      // Waited for first: both brokers can agree for a moment while the replica is still
      // publishing its share and the single bridge has not polled the new key yet.
      await onShared.waitFor(
        () =>
          changed.every(
            (system, i) => changedValue(onShared, system) === `changed during restart ${i}`,
          ),
        30_000,
        'every change made during a restart, from the successors',
      );
      await agree(30_000, 'replicas agree with the single bridge after the restart');
      for (const [i, system] of changed.entries()) {
        expect(changedValue(onShared, system)).toBe(`changed during restart ${i}`);
      }
      const stillThere = new Set(onReference.topics());
      const cleared = onShared.messages.filter(
        (m) => m.payload.length === 0 && stillThere.has(m.topic),
      );
      expect(cleared.map((m) => m.topic)).toEqual([]);
    }, 120_000);
  });
});
