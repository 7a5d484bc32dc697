import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulator, startSimulator } from '../simulator';

type Json = Record<string, unknown>;

describe('simulator REST API', () => {
  let sim: Simulator;
  let admin: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 11,
      portfolio: { buildingsPerRegion: 5, levelsPerBuilding: 5, roomsPerLevel: 10 },
    });
    admin = await startSimulator({ apiKeyPermissions: 'admin' });
  });
  afterAll(async () => {
    await sim.close();
    await admin.close();
  });

  const get = (path: string, base = sim, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${base.url}${path}`, { headers: { 'X-API-Key': base.apiKey, ...headers } });
  const getJson = async <T = Json>(path: string, base = sim): Promise<T> => {
    const res = await get(path, base);
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  it('paginates 250 systems with X-Total-Count, Content-Range and a relative Link', async () => {
    const res = await get('/api/engine/v2/systems?limit=100');
    expect(res.headers.get('x-total-count')).toBe('250');
    expect(res.headers.get('content-range')).toBe('sys 0-100/250');
    expect(res.headers.get('link')).toBe(
      '</api/engine/v2/systems/?offset=100&limit=100>; rel="next"',
    );
    const last = await get('/api/engine/v2/systems?offset=200&limit=100');
    expect(last.headers.get('content-range')).toBe('sys 200-250/250');
    expect(last.headers.get('link')).toBeNull();
    expect((await last.json()) as unknown[]).toHaveLength(50);
  });

  it('keeps the original query string in the Link', async () => {
    const zones = await getJson<Json[]>('/api/engine/v2/zones?tags=org');
    const org = zones[0].id as string;
    const res = await get(`/api/engine/v2/systems?zone_id=${org}&limit=30&q=*`);
    const link = res.headers.get('link') ?? '';
    expect(link).toMatch(/^<\/api\/engine\/v2\/systems\/\?[^>]*>; rel="next"$/);
    const next = new URLSearchParams(link.slice(link.indexOf('?') + 1, link.indexOf('>')));
    expect(next.get('zone_id')).toBe(org);
    expect(next.get('q')).toBe('*');
    expect(next.get('offset')).toBe('30');
    expect(next.get('limit')).toBe('30');
  });

  it('visits every system exactly once with offset += page.length, ordered by name then id', async () => {
    const seen: Json[] = [];
    let offset = 0;
    let total = Infinity;
    while (offset < total) {
      const res = await get(`/api/engine/v2/systems?limit=37&offset=${offset}`);
      total = Number(res.headers.get('x-total-count'));
      const page = (await res.json()) as Json[];
      if (page.length === 0) break;
      seen.push(...page);
      offset += page.length;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((s) => s.id)).size).toBe(250);
    const keys = seen.map((s) => `${s.name as string}\u0000${s.id as string}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('clamps limit and echoes X-Request-ID', async () => {
    const res = await get('/api/engine/v2/systems?limit=99999', sim, { 'X-Request-ID': 'req-123' });
    expect((await res.json()) as unknown[]).toHaveLength(250);
    expect(res.headers.get('x-request-id')).toBe('req-123');
    const zero = await get('/api/engine/v2/systems?limit=0');
    expect((await zero.json()) as unknown[]).toHaveLength(0);
    expect((await get('/api/engine/v2/systems')).headers.get('x-request-id')).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('leaves nil fields out, uses epoch seconds and integer roles', async () => {
    const systems = await getJson<Json[]>('/api/engine/v2/systems?limit=250');
    expect(systems.some((s) => !('email' in s))).toBe(true);
    for (const s of systems) {
      expect(Object.values(s)).not.toContain(null);
      expect(Number.isInteger(s.created_at)).toBe(true);
      expect(s.created_at as number).toBeLessThan(1e11);
      expect(typeof s.version).toBe('number');
    }
    const modules = await getJson<Json[]>('/api/engine/v2/modules?limit=10000');
    expect(modules.some((m) => !('custom_name' in m))).toBe(true);
    for (const m of modules) {
      expect(Number.isInteger(m.role)).toBe(true);
      expect(Object.values(m)).not.toContain(null);
      expect(typeof m.connected).toBe('boolean');
    }
    const drivers = await getJson<Json[]>('/api/engine/v2/drivers');
    for (const d of drivers) expect(Number.isInteger(d.role)).toBe(true);
  });

  it('orders modules by custom_name (nulls last), name, id', async () => {
    const modules = await getJson<Json[]>('/api/engine/v2/modules?limit=10000');
    const withCustom = modules.findIndex((m) => 'custom_name' in m);
    const lastCustom = modules.map((m) => 'custom_name' in m).lastIndexOf(true);
    expect(withCustom).toBe(0);
    expect(modules.slice(lastCustom + 1).every((m) => !('custom_name' in m))).toBe(true);
    const plain = modules
      .slice(lastCustom + 1)
      .map((m) => `${m.name as string}\u0000${m.id as string}`);
    expect(plain).toEqual([...plain].sort());
  });

  it('filters systems by zone_id (all listed zones), zones by tags and parent_id', async () => {
    const [level] = await getJson<Json[]>('/api/engine/v2/zones?tags=level&limit=1');
    const [building] = await getJson<Json[]>(`/api/engine/v2/zones?tags=building&limit=1`);
    const inLevel = await getJson<Json[]>(`/api/engine/v2/systems?zone_id=${level.id as string}`);
    expect(inLevel.length).toBeGreaterThan(0);
    for (const s of inLevel) expect(s.zones).toContain(level.id);
    const both = await getJson<Json[]>(
      `/api/engine/v2/systems?zone_id=${level.id as string},${building.id as string}`,
    );
    for (const s of both) expect(s.zones).toEqual(expect.arrayContaining([level.id, building.id]));
    const children = await getJson<Json[]>(
      `/api/engine/v2/zones?parent_id=${building.id as string}`,
    );
    expect(children.length).toBeGreaterThan(0);
    for (const z of children) expect(z.parent_id).toBe(building.id);
    const roots = await getJson<Json[]>('/api/engine/v2/zones?parent_id=root');
    expect(roots.map((z) => z.tags)).toEqual([['org']]);
  });

  it('lists a system’s modules with driver summaries, unpaginated and not in system order', async () => {
    const systems = await getJson<Json[]>('/api/engine/v2/systems?limit=250');
    const sys = systems.find((s) => (s.modules as string[]).length >= 4)!;
    const res = await get(`/api/engine/v2/modules?control_system_id=${sys.id as string}`);
    const mods = (await res.json()) as Json[];
    const n = (sys.modules as string[]).length;
    expect(res.headers.get('content-range')).toBe(`mod 0-${n - 1}/${n}`);
    expect(new Set(mods.map((m) => m.id))).toEqual(new Set(sys.modules as string[]));
    expect(mods[0].driver).toEqual({
      name: expect.any(String),
      description: expect.any(String),
      module_name: expect.any(String),
    });
    const driver = await getJson(`/api/engine/v2/drivers/${mods[0].driver_id as string}`);
    expect(driver.module_name).toBe((mods[0].driver as Json).module_name);
  });

  it('serves show routes and 404s unknown ids and routes', async () => {
    const [sys] = await getJson<Json[]>('/api/engine/v2/systems?limit=1');
    const id = sys.id as string;
    expect(await getJson(`/api/engine/v2/systems/${encodeURIComponent(id)}`)).toEqual(sys);
    const complete = await getJson(`/api/engine/v2/systems/${id}?complete=true`);
    expect((complete.zone_data as Json[]).map((z) => z.id)).toEqual(sys.zones);
    expect((complete.module_data as Json[]).map((m) => m.id)).toEqual(sys.modules);
    const zoneId = (sys.zones as string[])[0];
    expect((await getJson(`/api/engine/v2/zones/${zoneId}`)).id).toBe(zoneId);
    const modId = (sys.modules as string[])[0];
    expect((await getJson(`/api/engine/v2/modules/${modId}`)).id).toBe(modId);
    const missing = await get('/api/engine/v2/systems/sys-doesnotexist');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: expect.any(String) });
    expect((await get('/api/engine/v2/nothing')).status).toBe(404);
    expect((await get('/somewhere')).status).toBe(404);
  });

  it('double-encodes state hashes but parses the single-key route', async () => {
    const [sys] = await getJson<Json[]>('/api/engine/v2/systems?limit=1');
    const id = sys.id as string;
    const modId = sim.world.resolveModule(id, 'Display', 1)!;
    sim.world.setState(modId, 'input', 'hdmi');
    sim.world.setState(modId, 'volume', 40);
    sim.world.setState(modId, 'layout', { a: [1, null] });
    const hash = await getJson<Record<string, unknown>>(`/api/engine/v2/modules/${modId}/state`);
    expect(hash.input).toBe('"hdmi"');
    expect(hash.volume).toBe('40');
    expect(hash.layout).toBe('{"a":[1,null]}');
    for (const v of Object.values(hash)) expect(typeof v).toBe('string');
    expect(await getJson(`/api/engine/v2/systems/${id}/Display_1`)).toEqual(hash);
    expect(await getJson<unknown>(`/api/engine/v2/systems/${id}/Display_1/input`)).toBe('hdmi');
    expect(await getJson<unknown>(`/api/engine/v2/systems/${id}/Display_1/layout`)).toEqual({
      a: [1, null],
    });
    expect(await (await get(`/api/engine/v2/systems/${id}/Display_1/no_such_key`)).text()).toBe(
      'null',
    );
    expect(await getJson(`/api/engine/v2/systems/${id}/Nothing_3`)).toEqual({});
  });

  it('resolves state slugs by the module order grouped by resolved name', async () => {
    const zones = await getJson<Json[]>('/api/engine/v2/zones?tags=org');
    const displayDriver = (await getJson<Json[]>('/api/engine/v2/drivers')).find(
      (d) => d.module_name === 'Display',
    )!.id as string;
    const sysId = sim.world.addSystem({
      name: 'Core vector room',
      zones: [zones[0].id as string],
    });
    const names = ['custom', null, 'custom', 'extra_custom', null];
    const ids = names.map((customName) =>
      sim.world.addModule(sysId, { driverId: displayDriver, customName: customName ?? undefined }),
    );
    ids.forEach((m, i) => sim.world.setState(m, 'which', i));
    const which = async (slug: string): Promise<unknown> =>
      getJson<unknown>(`/api/engine/v2/systems/${sysId}/${slug}/which`);
    expect(await which('custom_1')).toBe(0);
    expect(await which('Display_1')).toBe(1);
    expect(await which('custom_2')).toBe(2);
    expect(await which('extra_custom_1')).toBe(3);
    expect(await which('Display_2')).toBe(4);
    // The slug's index must be an integer (Crystal's to_i raises).
    expect((await get(`/api/engine/v2/systems/${sysId}/extra_custom`)).status).toBe(500);
  });

  it('restricts /modules/:id/state/:key to admins and 500s a missing key', async () => {
    const modId = admin.world.moduleIds()[0];
    admin.world.setState(modId, 'input', 'hdmi');
    const res = await get(`/api/engine/v2/modules/${modId}/state/input`, admin);
    expect(await res.json()).toBe('"hdmi"');
    expect((await get(`/api/engine/v2/modules/${modId}/state/missing_key`, admin)).status).toBe(
      500,
    );
    const supportRes = await get(`/api/engine/v2/modules/${sim.world.moduleIds()[0]}/state/input`);
    expect(supportRes.status).toBe(403);
    expect(await supportRes.text()).toBe('');
  });

  it('filters by q as a prefix match on words of the name', async () => {
    const all = await getJson<Json[]>('/api/engine/v2/systems?limit=250');
    const word = (all[0].name as string).split(' ')[1];
    const prefix = word.slice(0, 3);
    const hits = await getJson<Json[]>(
      `/api/engine/v2/systems?limit=250&q=${encodeURIComponent(`${prefix}*`)}`,
    );
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(all.length);
    for (const s of hits)
      expect(
        `${s.name as string} ${(s.description as string) ?? ''} ${(s.email as string) ?? ''}`.toLowerCase(),
      ).toContain(prefix.toLowerCase());
    expect(await getJson<Json[]>('/api/engine/v2/systems?q=zzzqqq')).toEqual([]);
    expect(
      await getJson<Json[]>(`/api/engine/v2/systems?limit=250&q=${'*'.repeat(5000)}`),
    ).toHaveLength(250);
  });

  it('serves /auth/authority without credentials', async () => {
    const res = await fetch(`${sim.url}/auth/authority`);
    expect(await res.json()).toMatchObject({ version: 'v2.0.0', domain: new URL(sim.url).host });
  });

  it('computes module connected live from the connected status', async () => {
    const modId = sim.world.moduleIds()[3];
    sim.world.setState(modId, 'connected', false);
    expect((await getJson(`/api/engine/v2/modules/${modId}`)).connected).toBe(false);
    sim.world.deleteState(modId, 'connected');
    expect((await getJson(`/api/engine/v2/modules/${modId}`)).connected).toBe(true);
  });
});
