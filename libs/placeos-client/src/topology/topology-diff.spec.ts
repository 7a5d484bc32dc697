import { describe, expect, it } from 'vitest';
import type { PlaceDriver, PlaceModule, PlaceSystem, PlaceZone } from '../model/place-models';
import { Topology } from '../model/topology';
import { diffTopology } from './topology-diff';

function build(
  systems: PlaceSystem[],
  modules: PlaceModule[],
  zones: PlaceZone[] = [],
  drivers: PlaceDriver[] = [],
): Topology {
  return new Topology(
    new Map(systems.map((s) => [s.id, s])),
    new Map(zones.map((z) => [z.id, z])),
    new Map(modules.map((m) => [m.id, m])),
    new Map(drivers.map((d) => [d.id, d])),
  );
}
const sys = (id: string, modules: string[], zones: string[] = [], version = 1): PlaceSystem => ({
  id,
  name: id,
  zones,
  modules,
  version,
  updatedAt: version,
  raw: { id, version },
});
const mod = (
  id: string,
  name: string,
  customName?: string,
  driverId = 'driver-1',
): PlaceModule => ({
  id,
  name,
  driverId,
  updatedAt: 1,
  ...(customName === undefined ? {} : { customName }),
});
const zone = (id: string, updatedAt = 1): PlaceZone => ({
  id,
  name: id,
  tags: ['level'],
  updatedAt,
  raw: { id, updatedAt },
});
const driver = (id: string, updatedAt = 1): PlaceDriver => ({
  id,
  name: id,
  updatedAt,
  raw: { id, updatedAt },
});

describe('diffTopology', () => {
  const before = build(
    [sys('sys-1', ['mod-a', 'mod-b', 'mod-c'], ['zone-1']), sys('sys-2', ['mod-c'], ['zone-1'])],
    [mod('mod-a', 'Display'), mod('mod-b', 'Display'), mod('mod-c', 'Camera')],
    [zone('zone-1')],
    [driver('driver-1')],
  );

  it('finds nothing between equal snapshots', () => {
    expect(diffTopology(before, before)).toEqual([]);
  });

  it('reports renames with every affected system, and re-orders', () => {
    const after = build(
      [
        sys('sys-1', ['mod-b', 'mod-a', 'mod-c'], ['zone-1'], 2),
        sys('sys-2', ['mod-c'], ['zone-1']),
      ],
      [mod('mod-a', 'Display'), mod('mod-b', 'Display'), mod('mod-c', 'Camera', 'Cam')],
      [zone('zone-1')],
      [driver('driver-1')],
    );
    const changes = diffTopology(before, after);
    expect(changes).toContainEqual({
      kind: 'modules-reordered',
      id: 'sys-1',
      systemIds: ['sys-1'],
    });
    expect(changes).toContainEqual({ kind: 'system-changed', id: 'sys-1', systemIds: ['sys-1'] });
    expect(changes).toContainEqual({
      kind: 'module-renamed',
      id: 'mod-c',
      systemIds: ['sys-1', 'sys-2'],
    });
    expect(changes.map((c) => c.kind).sort()).toEqual([
      'module-renamed',
      'modules-reordered',
      'system-changed',
    ]);
  });

  it('reports added/removed systems, modules, zones and drivers, and re-zoning', () => {
    const after = build(
      [sys('sys-1', ['mod-a', 'mod-c', 'mod-d'], ['zone-2']), sys('sys-3', [], [])],
      [mod('mod-a', 'Display'), mod('mod-c', 'Camera'), mod('mod-d', 'Mic', undefined, 'driver-2')],
      [zone('zone-2')],
      [driver('driver-1', 5), driver('driver-2')],
    );
    const kinds = diffTopology(before, after).map(
      (c) => `${c.kind}:${c.id}:${c.systemIds.join(',')}`,
    );
    expect(kinds.sort()).toEqual(
      [
        'system-removed:sys-2:sys-2',
        'system-added:sys-3:sys-3',
        'system-rezoned:sys-1:sys-1',
        'module-added:mod-d:sys-1',
        'module-removed:mod-b:sys-1',
        'zone-removed:zone-1:sys-1,sys-2',
        'zone-added:zone-2:sys-1',
        'driver-changed:driver-1:sys-1,sys-2',
        'driver-added:driver-2:sys-1',
      ].sort(),
    );
  });
});
