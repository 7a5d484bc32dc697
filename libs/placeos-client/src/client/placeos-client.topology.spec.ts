import { type Simulator, startSimulator } from '@app/placeos-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopologyUpdate } from '../model/topology-change';
import { shardOf } from '../topology/shard';
import {
  ChangeCollector,
  capturingLogger,
  expectedState,
  simClientOptions,
  startRecordingProxy,
  waitFor,
  valueIn,
} from '@test/support/placeos-client-kit';
import { PlaceOsClient } from './placeos-client';

describe('PlaceOsClient topology changes', () => {
  let sim: Simulator;
  let client: PlaceOsClient;
  let collector: ChangeCollector;
  const updates: TopologyUpdate[] = [];
  const listenerDoneAt = new Map<TopologyUpdate, number>();

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11 });
    client = new PlaceOsClient(
      simClientOptions(sim, capturingLogger('warn').logger, {
        topologyPollMs: 200,
        keyPollMs: 500,
      }),
    );
    client.onTopology(async (update) => {
      // Bindings must not move before the listener is done.
      await new Promise((resolve) => setTimeout(resolve, 30));
      updates.push(update);
      listenerDoneAt.set(update, Date.now());
    });
    collector = new ChangeCollector(client);
    await client.start();
    expect(await client.whenSynced(20_000)).toBe(true);
  });

  afterAll(async () => {
    await client.stop();
    await collector.stop();
    await sim.close();
  });

  it('starts with an update from the empty topology carrying every system', () => {
    expect(updates[0].previous.systems.size).toBe(0);
    expect(updates[0].current.systems.size).toBe(sim.world.stats().systems);
    expect(updates[0].changes.filter((c) => c.kind === 'system-added')).toHaveLength(
      sim.world.stats().systems,
    );
  });

  it('emits a rename, then delivers the values at the new slot', async () => {
    const system = sim.world.systems()[0];
    const moduleId = (system.modules as string[])[0];
    const keys = Object.keys(sim.world.state(moduleId));
    const seen = updates.length;
    sim.world.renameModule(moduleId, 'Renamed Thing');
    const update = await waitFor(
      () =>
        updates
          .slice(seen)
          .find((u) => u.changes.some((c) => c.kind === 'module-renamed' && c.id === moduleId)),
      'module-renamed',
    );
    expect(update.changes.find((c) => c.kind === 'module-renamed')?.systemIds).toContain(
      String(system.id),
    );
    expect(update.current.slots(String(system.id)).find((s) => s.moduleId === moduleId)?.name).toBe(
      'Renamed Thing',
    );
    for (const key of keys) {
      await waitFor(
        () => collector.latest.get(`${String(system.id)}|Renamed Thing|1|${key}`),
        `value of ${key} at the new slot`,
      );
    }
    expect(collector.latest.get(`${String(system.id)}|Renamed Thing|1|${keys[0]}`)?.moduleId).toBe(
      moduleId,
    );
  });

  it('emits a re-order and re-delivers values for the slots that changed module', async () => {
    // A system with two modules of the same resolved name.
    const topology = client.topology;
    const candidate = [...topology.systems.values()].find((s) => {
      const names = topology.slots(s.id).map((slot) => slot.name);
      return names.some((n, i) => names.indexOf(n) !== i);
    });
    expect(candidate).toBeDefined();
    const system = candidate!;
    const slots = topology.slots(system.id);
    const dup = slots.find((s) => s.index === 2)!;
    const first = slots.find((s) => s.name === dup.name && s.index === 1)!;
    const order = [...system.modules];
    const at = [order.indexOf(first.moduleId), order.indexOf(dup.moduleId)];
    order[at[0]] = dup.moduleId;
    order[at[1]] = first.moduleId;
    const seen = updates.length;
    const before = collector.all.length;
    sim.world.reorderModules(system.id, order);
    const update = await waitFor(
      () =>
        updates
          .slice(seen)
          .find((u) => u.changes.some((c) => c.kind === 'modules-reordered' && c.id === system.id)),
      'modules-reordered',
    );
    expect(update.current.slot(system.id, dup.name, 1)?.moduleId).toBe(dup.moduleId);
    const expected = expectedState(sim, (id) => id === system.id);
    await waitFor(() => {
      for (const [key, want] of expected) {
        const got = collector.latest.get(key);
        if (
          !got ||
          got.moduleId !== want.moduleId ||
          JSON.stringify(valueIn(got)) !== JSON.stringify(want.value)
        )
          return false;
      }
      return true;
    }, 'every slot of the re-ordered system to carry its new module');
    expect(collector.all.length).toBeGreaterThan(before);
  });

  it("after a re-order, reports as removed the keys that the slot's new module lacks", async () => {
    const topology = client.topology;
    const system = [...topology.systems.values()].find((s) => {
      const names = topology.slots(s.id).map((slot) => slot.name);
      return names.some((n, i) => names.indexOf(n) !== i);
    })!;
    const slots = topology.slots(system.id);
    const second = slots.find((s) => s.index === 2)!;
    const first = slots.find((s) => s.name === second.name && s.index === 1)!;
    sim.world.setState(first.moduleId, 'only_on_first', 'here');
    const at = (index: number) =>
      collector.latest.get(`${system.id}|${first.name}|${index}|only_on_first`);
    await waitFor(() => valueIn(at(1)) === 'here', 'the key at slot 1 (found by the re-poll)');

    const order = [...system.modules];
    const positions = [order.indexOf(first.moduleId), order.indexOf(second.moduleId)];
    order[positions[0]] = second.moduleId;
    order[positions[1]] = first.moduleId;
    sim.world.reorderModules(system.id, order);

    await waitFor(() => valueIn(at(2)) === 'here', 'the key at slot 2, with its module');
    await waitFor(() => at(1)?.removed === true, 'slot 1 without the key: removed');
    expect(valueIn(at(1))).toBeNull();
    expect(at(1)?.moduleId).toBe(second.moduleId);
    expect(at(2)?.moduleId).toBe(first.moduleId);
  });

  it('binds an added module, and unbinds removed modules and systems', async () => {
    const systemId = String(sim.world.systems()[1].id);
    const driverId = String(sim.world.drivers()[0].id);
    const seen = updates.length;
    const moduleId = sim.world.addModule(systemId, { driverId, customName: 'Fresh Module' });
    await waitFor(
      () =>
        updates
          .slice(seen)
          .some((u) => u.changes.some((c) => c.kind === 'module-added' && c.id === moduleId)),
      'module-added',
    );
    const fresh = Object.keys(sim.world.state(moduleId));
    expect(fresh.length).toBeGreaterThan(0);
    for (const key of fresh) {
      await waitFor(
        () => collector.latest.get(`${systemId}|Fresh Module|1|${key}`),
        `value of new module key ${key}`,
      );
    }

    const removedSystem = sim.world.systems()[2];
    const seenBeforeRemoval = updates.length;
    sim.world.removeModule(moduleId);
    sim.world.removeSystem(String(removedSystem.id));
    const removal = await waitFor(() => {
      const kinds = updates
        .slice(seenBeforeRemoval)
        .flatMap((u) => u.changes.map((c) => `${c.kind}:${c.id}`));
      return (
        kinds.includes(`module-removed:${moduleId}`) &&
        kinds.includes(`system-removed:${String(removedSystem.id)}`) &&
        kinds
      );
    }, 'module-removed and system-removed');
    expect(removal.length).toBeGreaterThan(1);
    // Bindings follow: the simulator holds exactly the bindings of what still exists.
    await waitFor(
      () => sim.world.stats().bindings === expectedState(sim).size,
      'unbinds reach the server',
    );
    expect(client.status().boundKeys).toBe(expectedState(sim).size);
  });
});

describe('PlaceOsClient discovery scope', () => {
  let sim: Simulator;

  beforeAll(async () => {
    // 3 buildings x 9 levels x 10 rooms = 270 systems: several pages of 100.
    sim = await startSimulator({
      seed: 5,
      portfolio: {
        orgs: 1,
        regionsPerOrg: 1,
        buildingsPerRegion: 3,
        levelsPerBuilding: 9,
        roomsPerLevel: 10,
      },
    });
  });

  afterAll(async () => {
    await sim.close();
  });

  async function discovered(
    overrides: Parameters<typeof simClientOptions>[2],
  ): Promise<TopologyUpdate> {
    const client = new PlaceOsClient(
      simClientOptions(sim, capturingLogger('warn').logger, { pageSize: 100, ...overrides }),
    );
    let first: TopologyUpdate | undefined;
    client.onTopology((update) => {
      first ??= update;
    });
    await client.start();
    try {
      return await waitFor(() => first, 'first discovery');
    } finally {
      await client.stop();
    }
  }

  it('pages through 250+ systems and finds each exactly once, with their modules, zones and drivers', async () => {
    const update = await discovered({});
    const all = sim.world.systems().map((s) => String(s.id));
    expect(all.length).toBeGreaterThanOrEqual(250);
    expect([...update.current.systems.keys()].sort()).toEqual([...all].sort());
    expect(update.changes.filter((c) => c.kind === 'system-added')).toHaveLength(all.length);
    expect(update.current.modules.size).toBe(sim.world.stats().modules);
    for (const system of update.current.systems.values()) {
      for (const zoneId of system.zones) expect(update.current.zones.has(zoneId)).toBe(true);
    }
  });

  it('shards 0/2 and 1/2 both see the whole portfolio and bind every key exactly once between them', async () => {
    const shards = [0, 1].map(
      (index) =>
        new PlaceOsClient(
          simClientOptions(sim, capturingLogger('warn').logger, { shard: { index, count: 2 } }),
        ),
    );
    const collectors = shards.map((c) => new ChangeCollector(c));
    try {
      await Promise.all(shards.map((c) => c.start()));
      expect(await Promise.all(shards.map((c) => c.whenSynced(20_000)))).toEqual([true, true]);
      const all = sim.world
        .systems()
        .map((s) => String(s.id))
        .sort();
      for (const client of shards) {
        expect([...client.topology.systems.keys()].sort()).toEqual(all);
        expect(client.topology.modules.size).toBe(sim.world.stats().modules);
      }
      const [a, b] = shards;
      for (const [index, collector] of collectors.entries()) {
        const expected = [...expectedState(sim, (id) => shardOf(id, 2) === index).keys()];
        expect(expected.length).toBeGreaterThan(0);
        // Bound is not yet drained: the last notifies may still be in the queue.
        await waitFor(
          () => expected.every((key) => collector.latest.has(key)),
          `shard ${index}'s keys`,
        );
      }
      const systemsA = new Set(collectors[0].all.map((c) => c.systemId));
      const systemsB = new Set(collectors[1].all.map((c) => c.systemId));
      expect(systemsA.size).toBeGreaterThan(0);
      expect(systemsB.size).toBeGreaterThan(0);
      expect([...systemsA].every((id) => shardOf(id, 2) === 0 && a.bindsSystem(id))).toBe(true);
      expect([...systemsB].every((id) => shardOf(id, 2) === 1 && !a.bindsSystem(id))).toBe(true);
      expect(a.status().boundKeys + b.status().boundKeys).toBe(expectedState(sim).size);
      expect(a.status().systems + b.status().systems).toBe(all.length);
    } finally {
      await Promise.all(shards.map((c) => c.stop()));
      await Promise.all(collectors.map((c) => c.stop()));
    }
  });

  it('keeps only systems in one of the configured zones', async () => {
    const buildings = sim.world.zones().filter((z) => (z.tags as string[]).includes('building'));
    const [b1, b2] = buildings.map((z) => String(z.id));
    const update = await discovered({ zones: [b1, b2] });
    const want = sim.world
      .systems()
      .filter((s) => (s.zones as string[]).includes(b1) || (s.zones as string[]).includes(b2))
      .map((s) => String(s.id));
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(sim.world.stats().systems);
    expect([...update.current.systems.keys()].sort()).toEqual(want.sort());
    // Modules were read per system (zone scope): every module those systems list is known.
    for (const system of update.current.systems.values()) {
      for (const moduleId of system.modules)
        expect(update.current.modules.has(moduleId)).toBe(true);
    }
  });
});

describe('PlaceOsClient topology polls', () => {
  it('keeps the same topology while PlaceOS lists nothing new, and the unchanged models of a changed one', async () => {
    const sim = await startSimulator({ seed: 12 });
    const proxy = await startRecordingProxy(sim.url);
    const client = new PlaceOsClient(
      simClientOptions(sim, capturingLogger('warn').logger, {
        url: proxy.url,
        topologyPollMs: 50,
        // Pages of five systems: a change re-reads its own page only.
        pageSize: 5,
      }),
    );
    const systemListings = () =>
      proxy.hosts.filter((h) => h.startsWith('GET /api/engine/v2/systems ')).length;
    try {
      await client.start();
      expect(await client.whenSynced(20_000)).toBe(true);
      const first = client.topology;
      const listed = systemListings();
      await waitFor(() => systemListings() >= listed + 3, 'three more polls');
      // Nothing changed: no page was parsed into new models, so no new topology was made.
      expect(client.topology).toBe(first);

      const ids = [...first.systems.keys()];
      expect(ids.length).toBeGreaterThan(10);
      const [moved, untouched] = [ids[0], ids[ids.length - 1]];
      const zone = sim.world.addZone({ name: 'New zone', tags: ['area'] });
      sim.world.setSystemZones(moved, [...first.systems.get(moved)!.zones, zone]);
      await waitFor(
        () => client.topology.systems.get(moved)?.zones.includes(zone),
        'the changed system',
      );
      expect(client.topology).not.toBe(first);
      expect(client.topology.systems.get(moved)).not.toBe(first.systems.get(moved));
      expect(client.topology.systems.get(untouched)).toBe(first.systems.get(untouched));
    } finally {
      await client.stop();
      await proxy.close();
      await sim.close();
    }
  });

  it('does not lose a change it read in a poll that failed part way', async () => {
    const sim = await startSimulator({ seed: 13 });
    const client = new PlaceOsClient(
      simClientOptions(sim, capturingLogger('error').logger, { topologyPollMs: 50, pageSize: 5 }),
    );
    try {
      await client.start();
      expect(await client.whenSynced(20_000)).toBe(true);
      const [moved] = [...client.topology.systems.keys()];
      // Every poll for a while reads the systems (and so the change) and then fails on modules.
      sim.world.injectFault({ pathPrefix: '/api/engine/v2/modules', kind: 'status500', times: 12 });
      const zone = sim.world.addZone({ name: 'Zone seen mid-failure', tags: ['area'] });
      sim.world.setSystemZones(moved, [...client.topology.systems.get(moved)!.zones, zone]);
      await waitFor(
        () => client.topology.systems.get(moved)?.zones.includes(zone),
        'the change once a poll completes',
      );
    } finally {
      await client.stop();
      await sim.close();
    }
  });
});
