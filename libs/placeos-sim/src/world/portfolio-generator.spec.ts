import { describe, expect, it } from 'vitest';
import { generatePortfolio } from './portfolio-generator';
import { resolvedName } from './records';
import { SimWorld } from './sim-world';

const HIERARCHY = ['org', 'region', 'building', 'level', 'area'];

describe('generatePortfolio', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new SimWorld(generatePortfolio({ seed: 7 }));
    const b = new SimWorld(generatePortfolio({ seed: 7 }));
    const c = new SimWorld(generatePortfolio({ seed: 8 }));
    expect(a.systems()).toEqual(b.systems());
    expect(a.modules()).toEqual(b.modules());
    expect(a.zones()).toEqual(b.zones());
    const firstModule = a.modules()[0]?.id as string;
    expect(a.state(firstModule)).toEqual(b.state(firstModule));
    expect(a.systems().map((s) => s.id)).not.toEqual(c.systems().map((s) => s.id));
  });

  it('builds a small default world: 24 rooms in an org/region/building/level hierarchy', () => {
    const world = new SimWorld(generatePortfolio());
    const zones = world.zones();
    const systems = world.systems();
    expect(systems).toHaveLength(24);
    for (const tag of HIERARCHY)
      expect(zones.some((z) => (z.tags as string[]).includes(tag))).toBe(true);
    const zoneById = new Map(zones.map((z) => [z.id as string, z]));
    for (const s of systems) {
      const tags = (s.zones as string[]).flatMap((z) => zoneById.get(z)?.tags as string[]);
      for (const tag of ['org', 'region', 'building', 'level']) expect(tags).toContain(tag);
    }
    // Non-root zones point at their parent; the org is the root.
    expect(zones.filter((z) => z.parent_id === undefined).map((z) => z.tags)).toEqual([['org']]);
    // One zone carries two hierarchy tags; some systems carry a zone outside the hierarchy.
    expect(
      zones.some((z) => (z.tags as string[]).filter((t) => HIERARCHY.includes(t)).length >= 2),
    ).toBe(true);
    expect(
      systems.some((s) =>
        (s.zones as string[]).some(
          (z) => !(zoneById.get(z)?.tags as string[]).some((t) => HIERARCHY.includes(t)),
        ),
      ),
    ).toBe(true);
    // Some systems have an email, some do not (omitted, never null).
    expect(systems.some((s) => typeof s.email === 'string')).toBe(true);
    expect(systems.some((s) => !('email' in s))).toBe(true);
  });

  it('generates the module variety the bridge must cope with', () => {
    const data = generatePortfolio({ seed: 3 });
    const world = new SimWorld(data);
    const modules = data.modules;
    // Some modules shared by two systems.
    const owners = new Map<string, number>();
    for (const s of data.systems)
      for (const m of s.modules) owners.set(m, (owners.get(m) ?? 0) + 1);
    expect([...owners.values()].some((n) => n >= 2)).toBe(true);
    // Some rooms with two modules of the same resolved name (Display_1, Display_2).
    expect(
      data.systems.some((s) => {
        const names = s.modules.map((m) =>
          resolvedName(modules.find((x) => x.id === m) as (typeof modules)[number]),
        );
        return names.filter((n) => n === 'Display').length >= 2;
      }),
    ).toBe(true);
    expect(modules.some((m) => m.custom_name !== undefined)).toBe(true);
    expect(modules.some((m) => /[/+#]/.test(resolvedName(m)))).toBe(true);
    // Logic modules (role 99) carry control_system_id; others leave it out.
    for (const m of world.modules()) expect('control_system_id' in m).toBe(m.role === 99);
    // One driver per device type with PlaceOS module names.
    expect(world.drivers().map((d) => d.module_name)).toEqual(
      expect.arrayContaining(['Display', 'Camera', 'Bookings', 'Occupancy']),
    );
    // Ids look like PlaceOS ids and some use the punctuation PlaceOS ids may contain.
    const ids = [...data.systems, ...data.zones, ...modules].map((x) => x.id);
    for (const id of ids) expect(id).toMatch(/^(sys|zone|mod)-[0-9A-Za-z_~-]{10}$/);
    expect(ids.some((id) => /[-_~]/.test(id.slice(id.indexOf('-') + 1)))).toBe(true);
  });

  it('gives modules realistic state with 15 to 25 keys on average', () => {
    const world = new SimWorld(generatePortfolio({ seed: 5 }));
    const stats = world.stats();
    const average = stats.keys / stats.modules;
    expect(average).toBeGreaterThanOrEqual(15);
    expect(average).toBeLessThanOrEqual(25);
    const allText = world
      .modules()
      .map((m) => Object.values(world.state(m.id as string)).join('\n'))
      .join('\n');
    expect(allText).toMatch(/"email":"[a-z.]+@example\.com"/);
    expect(allText).toMatch(/user-[0-9A-Za-z]{10}/);
    expect(allText).toMatch(/\+61 2 9\d{3} \d{4}/);
    expect(allText).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}/);
    expect(allText).toMatch(/"10\.\d+\.\d+\.\d+"/);
    // Every stored value is valid JSON text.
    for (const m of world.modules())
      for (const v of Object.values(world.state(m.id as string)))
        expect(() => JSON.parse(v) as unknown).not.toThrow();
  });

  it('scales to 10,000 systems and 100,000 modules', () => {
    const world = new SimWorld(
      generatePortfolio({
        regionsPerOrg: 2,
        buildingsPerRegion: 10,
        levelsPerBuilding: 10,
        roomsPerLevel: 50,
        modulesPerRoom: { min: 10, max: 11 },
      }),
    );
    const stats = world.stats();
    expect(stats.systems).toBe(10_000);
    expect(stats.modules).toBeGreaterThanOrEqual(100_000);
    expect(stats.keys).toBeGreaterThan(1_500_000);
  }, 60_000);

  it('rejects impossible options', () => {
    expect(() => generatePortfolio({ modulesPerRoom: { min: 5, max: 2 } })).toThrow(RangeError);
    expect(() => generatePortfolio({ roomsPerLevel: -1 })).toThrow(RangeError);
  });
});
