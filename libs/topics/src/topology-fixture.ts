import type {
  JsonObject,
  PlaceDriver,
  PlaceModule,
  PlaceSystem,
  PlaceZone,
} from '@app/placeos-client';
import { Topology } from '@app/placeos-client';

/** Test-only input for fixtureTopology: just the fields topic mapping reads. */
export interface TopologyFixture {
  zones?: Array<{ id: string; tags: string[]; name?: string }>;
  systems?: Array<{ id: string; zones: string[]; modules: string[]; name?: string }>;
  modules?: Array<{ id: string; name: string; customName?: string; driverId: string }>;
  drivers?: Array<{ id: string; name?: string; moduleName?: string }>;
}

/** Builds a Topology directly from models (each `raw` carries a marker so tests can tell them apart). */
export function fixtureTopology(fixture: TopologyFixture): Topology {
  const zones = new Map<string, PlaceZone>();
  for (const z of fixture.zones ?? []) {
    const name = z.name ?? `Zone ${z.id}`;
    zones.set(z.id, {
      id: z.id,
      name,
      tags: z.tags,
      updatedAt: 1,
      raw: raw(z.id, name, { tags: z.tags }),
    });
  }
  const systems = new Map<string, PlaceSystem>();
  for (const s of fixture.systems ?? []) {
    const name = s.name ?? `System ${s.id}`;
    systems.set(s.id, {
      id: s.id,
      name,
      zones: s.zones,
      modules: s.modules,
      version: 1,
      updatedAt: 1,
      raw: raw(s.id, name, { zones: s.zones, modules: s.modules }),
    });
  }
  const modules = new Map<string, PlaceModule>();
  for (const m of fixture.modules ?? []) {
    modules.set(m.id, {
      id: m.id,
      name: m.name,
      ...(m.customName === undefined ? {} : { customName: m.customName }),
      driverId: m.driverId,
      updatedAt: 1,
    });
  }
  const drivers = new Map<string, PlaceDriver>();
  for (const d of fixture.drivers ?? []) {
    const name = d.name ?? `Driver ${d.id}`;
    drivers.set(d.id, {
      id: d.id,
      name,
      ...(d.moduleName === undefined ? {} : { moduleName: d.moduleName }),
      updatedAt: 1,
      raw: raw(d.id, name, d.moduleName === undefined ? {} : { module_name: d.moduleName }),
    });
  }
  return new Topology(systems, zones, modules, drivers);
}

function raw(id: string, name: string, extra: JsonObject): JsonObject {
  return { id, name, ...extra };
}
