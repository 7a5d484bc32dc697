import { type Simulator, startSimulator } from '@app/placeos-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('PlaceOsClient survives bad server input', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 21,
      portfolio: { buildingsPerRegion: 1, levelsPerBuilding: 2, roomsPerLevel: 3 },
    });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('retries REST 500s, truncated bodies and hanging requests (REST and upgrade), then delivers everything', async () => {
    sim.world.injectFault({ pathPrefix: '/api/engine/v2/systems/control', kind: 'hang', times: 1 });
    sim.world.injectFault({ pathPrefix: '/api/engine/v2/systems', kind: 'status500', times: 2 });
    sim.world.injectFault({ pathPrefix: '/api/engine/v2/modules', kind: 'truncate', times: 3 });
    sim.world.injectFault({ pathPrefix: '/api/engine/v2/zones', kind: 'hang', times: 1 });
    sim.world.injectFault({ pathPrefix: '/api/engine/v2/drivers', kind: 'truncate', times: 1 });
    const { logger, lines } = capturingLogger('warn');
    const client = new PlaceOsClient(
      simClientOptions(sim, logger, { requestTimeoutMs: 400, deadSocketMs: 800, heartbeatMs: 300 }),
    );
    const collector = new ChangeCollector(client);
    try {
      await client.start();
      expect(await client.whenSynced(20_000)).toBe(true);
      const expected = expectedState(sim);
      await waitFor(() => collector.latest.size === expected.size, 'every key delivered');
      for (const [key, want] of expected)
        expect(valueIn(collector.latest.get(key))).toEqual(want.value);
      const retried = lines
        .filter((l) => l.msg === 'PlaceOS request failed; retrying')
        .map((l) => String(l.err));
      expect(retried.some((e) => e.includes('HTTP 500'))).toBe(true);
      expect(retried.some((e) => e.includes('timed out'))).toBe(true);
      expect(retried.some((e) => /cut short|not valid JSON/.test(e))).toBe(true);
      expect(lines.some((l) => l.kind === 'socket' && String(l.err).includes('control'))).toBe(
        true,
      );
    } finally {
      await client.stop();
      await collector.stop();
    }
  });

  it('logs and survives non-JSON frames, unknown types, truncated JSON and error frames', async () => {
    const { logger, lines } = capturingLogger('warn');
    const client = new PlaceOsClient(simClientOptions(sim, logger));
    const collector = new ChangeCollector(client);
    try {
      await client.start();
      expect(await client.whenSynced(20_000)).toBe(true);
      sim.world.sendRawFrame('this is not json');
      sim.world.sendRawFrame('{"id":5,"type":"surprise","value":1}');
      sim.world.sendRawFrame('{"id":6,"type":"notify","value":{"a":');
      sim.world.sendRawFrame('{"id":987654,"type":"error","msg":"boom","error_code":7,"code":500}');
      sim.world.sendRawFrame(
        '{"id":987655,"type":"notify","value":1,"meta":{"sys":"sys-x","mod":"M","index":1,"name":"k"}}',
      );
      const [key, target] = [...expectedState(sim).entries()][0];
      sim.world.setState(target.moduleId, key.split('|')[3], 'still alive');
      await waitFor(
        () => valueIn(collector.latest.get(key)) === 'still alive',
        'a change after the junk',
      );
      const kinds = new Set(lines.map((l) => l.kind));
      for (const kind of ['not-json', 'unknown-type', 'malformed', 'error-frame', 'stray-notify'])
        expect(kinds, kind).toContain(kind);
      expect(client.status()).toMatchObject({ connected: true, reconnects: 0 });
    } finally {
      await client.stop();
      await collector.stop();
    }
  });
});

describe('PlaceOsClient heartbeat', () => {
  it('terminates a socket that went silent and re-binds on a new one', async () => {
    const sim = await startSimulator({
      seed: 22,
      portfolio: { buildingsPerRegion: 1, levelsPerBuilding: 1, roomsPerLevel: 3 },
    });
    const proxy = await startRecordingProxy(sim.url);
    const { logger, lines } = capturingLogger('warn');
    const client = new PlaceOsClient(
      simClientOptions(sim, logger, { url: proxy.url, heartbeatMs: 100, deadSocketMs: 600 }),
    );
    const collector = new ChangeCollector(client);
    try {
      await client.start();
      expect(await client.whenSynced(20_000)).toBe(true);
      proxy.silence();
      const [key, target] = [...expectedState(sim).entries()][0];
      sim.world.setState(target.moduleId, key.split('|')[3], 'after silence');
      await waitFor(
        () => client.status().reconnects === 1 && client.status().connected,
        'reconnect',
      );
      await waitFor(() => valueIn(collector.latest.get(key)) === 'after silence', 'resynced value');
      expect(collector.latest.get(key)?.resync).toBe(true);
      expect(lines.some((l) => String(l.msg).includes('silent too long'))).toBe(true);
    } finally {
      await client.stop();
      await collector.stop();
      await proxy.close();
      await sim.close();
    }
  });
});
