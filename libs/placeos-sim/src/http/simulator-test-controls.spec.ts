import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulator, startSimulator } from '../simulator';
import { ControlProbe, UpgradeRefused, eventually } from '../test-support/control-probe';

type Json = Record<string, unknown>;

describe('simulator test controls (/_sim/) and fault injection', () => {
  let sim: Simulator;
  let sysId: string;
  let modId: string;
  let displayDriver: string;
  let orgZone: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 31 });
    sysId = sim.world.systems()[0].id as string;
    modId = sim.world.resolveModule(sysId, 'Display', 1)!;
    displayDriver = sim.world.drivers().find((d) => d.module_name === 'Display')!.id as string;
    orgZone = sim.world.zones().find((z) => (z.tags as string[]).includes('org'))!.id as string;
  });
  afterAll(async () => {
    await sim.close();
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${sim.url}/_sim/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const api = (path: string): Promise<Response> =>
    fetch(`${sim.url}/api/engine/v2/${path}`, { headers: { 'X-API-Key': sim.apiKey } });
  /** Makes the next `times` requests under `/api/engine/v2/<path>` fail as `kind`. */
  const injectFault = async (path: string, kind: string, times = 1): Promise<void> => {
    expect(
      (await call('POST', 'faults', { path_prefix: `/api/engine/v2/${path}`, kind, times })).status,
    ).toBe(200);
  };

  it('sets JSON and raw state, and deletes it', async () => {
    expect(
      (await call('POST', 'state', { module_id: modId, key: 'volume', value: 55 })).status,
    ).toBe(200);
    expect(sim.world.state(modId).volume).toBe('55');
    expect(
      (await call('POST', 'state', { module_id: modId, key: 'weird', raw: '{oops' })).status,
    ).toBe(200);
    expect(sim.world.state(modId).weird).toBe('{oops');
    expect((await call('GET', `state?module_id=${encodeURIComponent(modId)}`)).json.weird).toBe(
      '{oops',
    );
    expect(
      (await call('DELETE', `state?module_id=${encodeURIComponent(modId)}&key=weird`)).status,
    ).toBe(200);
    expect(sim.world.state(modId)).not.toHaveProperty('weird');
  });

  it('mutates topology and bumps updated_at / version', async () => {
    const versionBefore = sim.world.system(sysId)!.version as number;
    const added = await call('POST', `systems/${encodeURIComponent(sysId)}/modules`, {
      driver_id: displayDriver,
      custom_name: 'Side Screen',
    });
    const newMod = added.json.id as string;
    expect(newMod).toMatch(/^mod-/);
    expect(sim.world.system(sysId)!.modules).toContain(newMod);
    expect(sim.world.system(sysId)!.version).toBe(versionBefore + 1);
    expect(Object.keys(sim.world.state(newMod)).length).toBeGreaterThan(0);
    await call('POST', `modules/${encodeURIComponent(newMod)}/rename`, { custom_name: null });
    expect(sim.world.module(newMod)).not.toHaveProperty('custom_name');
    const order = [...(sim.world.system(sysId)!.modules as string[])].reverse();
    expect(
      (await call('POST', `systems/${encodeURIComponent(sysId)}/reorder`, { modules: order }))
        .status,
    ).toBe(200);
    expect(sim.world.system(sysId)!.modules).toEqual(order);
    expect((await call('DELETE', `modules/${encodeURIComponent(newMod)}`)).status).toBe(200);
    expect(sim.world.module(newMod)).toBeUndefined();
    expect(sim.world.system(sysId)!.modules).not.toContain(newMod);

    const zone = (
      await call('POST', 'zones', { name: 'Pop-up Area', tags: ['area'], parent_id: orgZone })
    ).json.id as string;
    await call('PATCH', `zones/${encodeURIComponent(zone)}`, {
      name: 'Renamed Area',
      tags: ['area', 'signage'],
    });
    expect(sim.world.zone(zone)).toMatchObject({
      name: 'Renamed Area',
      tags: ['area', 'signage'],
      parent_id: orgZone,
    });
    const room = (
      await call('POST', 'systems', {
        name: 'Pop-up Room',
        zones: [orgZone, zone],
        email: 'popup@example.com',
      })
    ).json.id as string;
    expect(sim.world.system(room)).toMatchObject({
      name: 'Pop-up Room',
      zones: [orgZone, zone],
      email: 'popup@example.com',
      modules: [],
    });
    await call('POST', `systems/${encodeURIComponent(room)}/zones`, { zones: [orgZone] });
    expect(sim.world.system(room)!.zones).toEqual([orgZone]);
    expect((await call('DELETE', `zones/${encodeURIComponent(zone)}`)).status).toBe(200);
    expect((await call('DELETE', `systems/${encodeURIComponent(room)}`)).status).toBe(200);
    expect((await api(`systems/${encodeURIComponent(room)}`)).status).toBe(404);
  });

  it('answers bad input with 400 and unknown ids with 404, never crashing', async () => {
    expect((await call('POST', 'state', '{not json')).status).toBe(400);
    expect((await call('POST', 'state', [1])).status).toBe(400);
    expect((await call('POST', 'state', { module_id: modId })).status).toBe(400);
    expect((await call('POST', 'state', { module_id: modId, key: 'k' })).status).toBe(400);
    expect(
      (await call('POST', 'state', { module_id: 'mod-nope', key: 'k', value: 1 })).status,
    ).toBe(404);
    expect(
      (await call('POST', `systems/${encodeURIComponent(sysId)}/reorder`, { modules: ['x'] }))
        .status,
    ).toBe(400);
    expect(
      (
        await call('POST', `systems/${encodeURIComponent(sysId)}/modules`, {
          driver_id: 'driver-nope',
        })
      ).status,
    ).toBe(400);
    expect((await call('POST', 'systems', { name: 'x', zones: ['zone-nope'] })).status).toBe(400);
    expect(
      (await call('POST', 'faults', { path_prefix: '/api', kind: 'explode', times: 1 })).status,
    ).toBe(400);
    expect(
      (await call('POST', 'faults', { path_prefix: '/api', kind: 'status500', times: 0 })).status,
    ).toBe(400);
    expect((await call('POST', 'pause', { paused: 'yes' })).status).toBe(400);
    expect((await call('GET', 'nowhere')).status).toBe(404);
    const stats = await call('GET', 'stats');
    expect(stats.json).toMatchObject({
      systems: expect.any(Number),
      modules: expect.any(Number),
      keys: expect.any(Number),
    });
  });

  it('injects status500 and status401 for the next N matching requests only', async () => {
    await injectFault('zones', 'status500', 2);
    expect((await api('systems')).status).toBe(200);
    expect((await api('zones')).status).toBe(500);
    expect((await api('zones')).status).toBe(500);
    expect((await api('zones')).status).toBe(200);
    await injectFault('systems', 'status401');
    const unauthorized = await api('systems');
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ error: expect.any(String) });
    expect((await api('systems')).status).toBe(200);
  });

  it('truncates a body mid-JSON', async () => {
    await injectFault('systems', 'truncate');
    const res = await api('systems');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(((await (await api('systems')).json()) as unknown[]).length).toBeGreaterThan(0);
  });

  it('hangs a request without answering', async () => {
    await injectFault('drivers', 'hang');
    await expect(
      fetch(`${sim.url}/api/engine/v2/drivers`, {
        headers: { 'X-API-Key': sim.apiKey },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect((await api('drivers')).status).toBe(200);
  });

  it('applies faults to the WebSocket upgrade too', async () => {
    await injectFault('systems/control', 'status500');
    await expect(
      ControlProbe.connect(sim.url, { headers: { 'X-API-Key': sim.apiKey } }),
    ).rejects.toEqual(new UpgradeRefused(500));
    const ok = await ControlProbe.connect(sim.url, { headers: { 'X-API-Key': sim.apiKey } });
    await ok.close();
  });

  it('drops sockets, sends raw frames and expires tokens over HTTP', async () => {
    const p = await ControlProbe.connect(sim.url, { headers: { 'X-API-Key': sim.apiKey } });
    expect((await call('POST', 'frames', { text: 'not-json' })).json).toEqual({ sent: 1 });
    await p.waitFor((f) => f === 'not-json');
    expect((await call('POST', 'sockets/drop')).json).toEqual({ dropped: 1 });
    await p.closed;
    const token = (await (
      await fetch(`${sim.url}/auth/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'password',
          username: sim.user.email,
          password: sim.user.password,
          client_id: sim.oauthClient.clientId,
          client_secret: sim.oauthClient.clientSecret,
        }),
      })
    ).json()) as { access_token: string };
    const withToken = (): Promise<Response> =>
      fetch(`${sim.url}/api/engine/v2/systems`, {
        headers: { Authorization: `Bearer ${token.access_token}` },
      });
    expect((await withToken()).status).toBe(200);
    await call('POST', 'tokens/expire');
    expect((await withToken()).status).toBe(401);
  });

  it('makes random state changes at the configured rate and pauses them', async () => {
    const busy = await startSimulator({ seed: 41, changesPerSecond: 200 });
    try {
      let changes = 0;
      busy.world.addListener({
        stateChanged: () => (changes += 1),
        lookupChanged: () => undefined,
      });
      await eventually(() => changes >= 10, 5000, 'random changes');
      busy.world.setPaused(true);
      const atPause = changes;
      // Several timer periods pass while paused; no change may happen in any of them.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(changes).toBe(atPause);
      busy.world.setPaused(false);
      await eventually(() => changes > atPause, 5000, 'changes after resume');
    } finally {
      await busy.close();
    }
  });
});
