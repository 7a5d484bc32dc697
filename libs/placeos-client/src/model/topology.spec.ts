import { describe, expect, it } from 'vitest';
import type { PlaceModule, PlaceSystem } from './place-models';
import { Topology } from './topology';

function mod(id: string, name: string, customName?: string): PlaceModule {
  const m: PlaceModule = { id, name, driverId: `driver-${name}`, updatedAt: 1 };
  if (customName !== undefined) m.customName = customName;
  return m;
}

function sys(id: string, modules: string[]): PlaceSystem {
  return { id, name: id, zones: [], modules, version: 1, updatedAt: 1, raw: { id } };
}

describe('Topology.slots', () => {
  it('numbers modules per resolved name in the system order, as PlaceOS core does', () => {
    const modules = [
      mod('mod-a', 'Display'),
      mod('mod-b', 'Camera'),
      mod('mod-c', 'Display'),
      mod('mod-d', 'Lights', 'Display'),
      mod('mod-e', 'Display', '  '),
    ];
    const topology = new Topology(
      new Map([
        ['sys-1', sys('sys-1', ['mod-c', 'mod-b', 'mod-a', 'mod-missing', 'mod-d', 'mod-e'])],
      ]),
      new Map(),
      new Map(modules.map((m) => [m.id, m])),
      new Map(),
    );
    expect(topology.slots('sys-1')).toEqual([
      { moduleId: 'mod-c', name: 'Display', index: 1 },
      { moduleId: 'mod-b', name: 'Camera', index: 1 },
      { moduleId: 'mod-a', name: 'Display', index: 2 },
      { moduleId: 'mod-d', name: 'Display', index: 3 },
      { moduleId: 'mod-e', name: 'Display', index: 4 },
    ]);
    expect(topology.slot('sys-1', 'Display', 3)?.moduleId).toBe('mod-d');
    expect(topology.slots('sys-unknown')).toEqual([]);
    expect(topology.systemsOfModule('mod-a').map((s) => s.id)).toEqual(['sys-1']);
  });
});
