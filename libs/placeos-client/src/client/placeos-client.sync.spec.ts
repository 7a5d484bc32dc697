import { type Simulator, startSimulator } from '@app/placeos-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeCollector,
  capturingLogger,
  changeKey,
  expectedState,
  simClientOptions,
  waitFor,
  valueIn,
} from '@test/support/placeos-client-kit';
import { PlaceOsClient } from './placeos-client';

describe('PlaceOsClient against the simulator: initial sync and live changes', () => {
  let sim: Simulator;
  let client: PlaceOsClient;
  let collector: ChangeCollector;

  beforeAll(async () => {
    // Every bind has a 50% chance of its initial notify arriving before its success.
    sim = await startSimulator({ seed: 7, notifyFirstProbability: 0.5 });
    client = new PlaceOsClient(
      simClientOptions(sim, capturingLogger('warn').logger, {
        keyPollMs: 300,
        bindsInFlight: 50,
        // Several sockets, so every behaviour below also holds with bindings spread out.
        maxBindingsPerSocket: 500,
      }),
    );
    collector = new ChangeCollector(client);
    await client.start();
  });

  afterAll(async () => {
    await client.stop();
    await collector.stop();
    await sim.close();
  });

  it('binds every key of every module slot and delivers each exactly once, notify-before-success included', async () => {
    expect(await client.whenSynced(20_000)).toBe(true);
    const expected = expectedState(sim);
    expect(expected.size).toBeGreaterThan(1000);
    await waitFor(() => collector.all.length >= expected.size, 'all initial notifies');
    const seen = new Map<string, number>();
    for (const change of collector.all)
      seen.set(changeKey(change), (seen.get(changeKey(change)) ?? 0) + 1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(seen.keys())).toEqual(new Set(expected.keys()));
    for (const [key, want] of expected) {
      const got = collector.latest.get(key);
      expect(valueIn(got), key).toEqual(want.value);
      expect(got?.moduleId).toBe(want.moduleId);
      expect(got?.resync).toBe(true);
    }
    const status = client.status();
    expect(status).toMatchObject({
      connected: true,
      firstSyncDone: true,
      boundKeys: expected.size,
      pendingBinds: 0,
    });
    expect(status.systems).toBe(sim.world.stats().systems);
    expect(sim.world.stats().bindings).toBe(expected.size);
  });

  it('delivers live changes, deletions as null, and invalid JSON as a JSON string of the raw text', async () => {
    await client.whenSynced(20_000);
    const [key] = [...expectedState(sim).entries()].find(([k]) => k.endsWith('|power')) ?? [];
    expect(key).toBeDefined();
    const target = expectedState(sim).get(key!)!;
    const keyName = 'power';
    const before = collector.all.length;
    sim.world.setState(target.moduleId, keyName, { level: 3 });
    await waitFor(() => collector.latest.get(key!)?.resync === false, 'live change');
    expect(collector.latest.get(key!)).toMatchObject({
      json: '{"level":3}',
      resync: false,
      moduleId: target.moduleId,
    });
    sim.world.deleteState(target.moduleId, keyName);
    await waitFor(() => valueIn(collector.latest.get(key!)) === null, 'deletion');
    sim.world.setRawState(target.moduleId, keyName, '{not json');
    await waitFor(() => collector.latest.get(key!)?.invalidJson, 'invalid JSON value');
    expect(collector.latest.get(key!)).toMatchObject({
      json: '"{not json"',
      invalidJson: true,
    });
    // Only the key that changed produced events (one per slot of the module).
    expect(
      collector.all.slice(before).every((c) => c.key === keyName && c.moduleId === target.moduleId),
    ).toBe(true);
  });

  it('finds a key added after start through the state re-poll', async () => {
    await client.whenSynced(20_000);
    const [key, target] = [...expectedState(sim).entries()][0];
    const [systemId, moduleName, index] = key.split('|');
    sim.world.setState(target.moduleId, 'brand_new_key', 'hello');
    const newKey = `${systemId}|${moduleName}|${index}|brand_new_key`;
    const change = await waitFor(() => collector.latest.get(newKey), 'the new key to be bound');
    expect(change).toMatchObject({ json: '"hello"', resync: true, moduleId: target.moduleId });
    sim.world.setState(target.moduleId, 'brand_new_key', 'again');
    await waitFor(
      () => valueIn(collector.latest.get(newKey)) === 'again',
      'a change of the new key',
    );
  });

  it('re-binds everything after dropped sockets and loses no change made meanwhile', async () => {
    await client.whenSynced(20_000);
    const entries = [...expectedState(sim).entries()];
    const [keyA, a] = entries[3];
    const [keyB, b] = entries[entries.length - 5];
    const reconnects = client.status().reconnects;
    sim.world.dropSockets();
    // Written while the client has no socket: only a resync can bring these.
    sim.world.setState(a.moduleId, keyA.split('|')[3], 'while-down-a');
    sim.world.setState(b.moduleId, keyB.split('|')[3], 'while-down-b');
    await waitFor(
      () => client.status().reconnects > reconnects && client.status().connected,
      'reconnect',
    );
    await waitFor(
      () => valueIn(collector.latest.get(keyA)) === 'while-down-a',
      'change A after reconnect',
    );
    await waitFor(
      () => valueIn(collector.latest.get(keyB)) === 'while-down-b',
      'change B after reconnect',
    );
    expect(collector.latest.get(keyA)?.resync).toBe(true);
    await waitFor(
      () => client.status().boundKeys === expectedState(sim).size,
      'everything re-bound',
    );
    await waitFor(
      () => sim.world.stats().bindings === expectedState(sim).size,
      'simulator bindings',
    );
  });
});
