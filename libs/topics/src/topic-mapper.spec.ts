import { describe, expect, it } from 'vitest';
import { TopicMapper } from './topic-mapper';
import { fixtureTopology, type TopologyFixture } from './topology-fixture';

const GUIDE_HIERARCHY = ['org', 'building', 'level', 'area'];

/** Upstream's mock_state (placeos-source.md §14). */
function mockState(overrides: { zones?: string[] } = {}): TopologyFixture {
  return {
    zones: [
      { id: 'org-donor', tags: ['org'] },
      { id: 'cards', tags: ['building'] },
      { id: 'nek', tags: ['level'] },
      { id: '2042', tags: ['area'] },
    ],
    systems: [
      {
        id: 'cs-9445',
        zones: overrides.zones ?? ['org-donor', 'cards', 'nek', '2042'],
        modules: ['mod-1234'],
      },
    ],
    modules: [{ id: 'mod-1234', name: "M'Odule", driverId: '12345' }],
    drivers: [{ id: '12345', moduleName: "M'Odule" }],
  };
}

describe('TopicMapper upstream vectors (guide hierarchy)', () => {
  const mapper = new TopicMapper({ hierarchy: GUIDE_HIERARCHY });

  it('maps mock_state to the upstream topic', () => {
    const topology = fixtureTopology(mockState());
    expect(mapper.stateTopic(topology, 'cs-9445', 'mod-1234', 'power')).toBe(
      "placeos/org-donor/state/cards/nek/2042/cs-9445/12345/M'Odule/1/power",
    );
  });

  it('puts _ where the building is missing', () => {
    const topology = fixtureTopology(mockState({ zones: ['org-donor', 'nek', '2042'] }));
    expect(mapper.stateTopic(topology, 'cs-9445', 'mod-1234', 'power')).toBe(
      "placeos/org-donor/state/_/nek/2042/cs-9445/12345/M'Odule/1/power",
    );
  });

  it('does not publish a system without an org zone', () => {
    const topology = fixtureTopology(mockState({ zones: ['cards', 'nek', '2042'] }));
    expect(mapper.placement(topology, 'cs-9445')).toBeUndefined();
    expect(mapper.stateTopic(topology, 'cs-9445', 'mod-1234', 'power')).toBeUndefined();
    expect(mapper.stateTopicsOfModule(topology, 'mod-1234', 'power')).toEqual([]);
  });

  it('fills the region level with _ under the current upstream hierarchy', () => {
    const regional = new TopicMapper({ hierarchy: ['org', 'region', 'building', 'level', 'area'] });
    const topology = fixtureTopology(mockState());
    expect(regional.stateTopic(topology, 'cs-9445', 'mod-1234', 'power')).toBe(
      "placeos/org-donor/state/_/cards/nek/2042/cs-9445/12345/M'Odule/1/power",
    );
  });

  it('indexes same-named modules the way PlaceOS core does', () => {
    const customNames = ['custom', undefined, 'custom', 'extra_custom', undefined];
    const topology = fixtureTopology({
      zones: [{ id: 'zone-0', tags: ['org'] }],
      systems: [{ id: 'sys-1', zones: ['zone-0'], modules: customNames.map((_, i) => `mod-${i}`) }],
      modules: customNames.map((customName, i) => ({
        id: `mod-${i}`,
        name: 'mock',
        driverId: 'drv-mock',
        ...(customName === undefined ? {} : { customName }),
      })),
      drivers: [{ id: 'drv-mock', moduleName: 'mock' }],
    });
    const moduleLevels = customNames.map((_, i) => {
      const topic = mapper.stateTopic(topology, 'sys-1', `mod-${i}`, 'power');
      return topic?.split('/').slice(-3, -1).join('/');
    });
    expect(moduleLevels).toEqual(['custom/1', 'mock/1', 'custom/2', 'extra_custom/1', 'mock/2']);
  });
});

describe('TopicMapper placement', () => {
  const mapper = new TopicMapper({ hierarchy: GUIDE_HIERARCHY });

  it('takes the first zone in the system zones order when several carry a tag', () => {
    const topology = fixtureTopology({
      zones: [
        { id: 'org-1', tags: ['org'] },
        { id: 'org-2', tags: ['org'] },
        { id: 'bld-b', tags: ['building'] },
        { id: 'bld-a', tags: ['building'] },
      ],
      systems: [{ id: 'sys', zones: ['bld-b', 'org-2', 'bld-a', 'org-1'], modules: [] }],
    });
    expect(mapper.placement(topology, 'sys')).toEqual({
      org: 'org-2',
      levels: ['bld-b', '_', '_'],
    });
  });

  it('lets one zone carrying several tags fill each of those levels', () => {
    const topology = fixtureTopology({
      zones: [
        { id: 'campus', tags: ['org', 'building'] },
        { id: 'floor', tags: ['level', 'area', 'unrelated'] },
      ],
      systems: [{ id: 'sys', zones: ['floor', 'campus'], modules: [] }],
    });
    expect(mapper.placement(topology, 'sys')).toEqual({
      org: 'campus',
      levels: ['campus', 'floor', 'floor'],
    });
  });

  it('ignores zone ids the topology does not know', () => {
    const topology = fixtureTopology({
      zones: [
        { id: 'org', tags: ['org'] },
        { id: 'lvl', tags: ['level'] },
      ],
      systems: [{ id: 'sys', zones: ['ghost', 'org', 'deleted', 'lvl'], modules: [] }],
    });
    expect(mapper.placement(topology, 'sys')).toEqual({ org: 'org', levels: ['_', 'lvl', '_'] });
  });

  it('matches tags exactly and returns undefined for an unknown system', () => {
    const topology = fixtureTopology({
      zones: [{ id: 'z', tags: ['Org', 'ORG'] }],
      systems: [{ id: 'sys', zones: ['z'], modules: [] }],
    });
    expect(mapper.placement(topology, 'sys')).toBeUndefined();
    expect(mapper.placement(topology, 'nope')).toBeUndefined();
  });

  it('follows a re-tag in the next topology snapshot', () => {
    const fixture: TopologyFixture = {
      zones: [
        { id: 'zone-org', tags: ['org'] },
        { id: 'zone-retagged', tags: ['level'] },
      ],
      systems: [{ id: 'sys', zones: ['zone-org', 'zone-retagged'], modules: [] }],
    };
    const before = fixtureTopology(fixture);
    expect(mapper.placement(before, 'sys')?.levels).toEqual(['_', 'zone-retagged', '_']);
    const after = fixtureTopology({
      ...fixture,
      zones: [
        { id: 'zone-org', tags: ['org'] },
        { id: 'zone-retagged', tags: ['building'] },
      ],
    });
    expect(mapper.placement(after, 'sys')?.levels).toEqual(['zone-retagged', '_', '_']);
    expect(mapper.placement(before, 'sys')?.levels).toEqual(['_', 'zone-retagged', '_']);
  });

  it('rejects a hierarchy that is empty or repeats a tag', () => {
    expect(() => new TopicMapper({ hierarchy: [] })).toThrow('at least the org tag');
    expect(() => new TopicMapper({ hierarchy: ['org', 'level', 'level'] })).toThrow('repeats');
    expect(() => new TopicMapper({ hierarchy: ['org', ''] })).toThrow('empty');
  });

  it('defaults to org building level area', () => {
    expect(new TopicMapper().hierarchy).toEqual(GUIDE_HIERARCHY);
  });
});

describe('TopicMapper state topics', () => {
  const mapper = new TopicMapper({ hierarchy: GUIDE_HIERARCHY });
  const topology = fixtureTopology({
    zones: [
      { id: 'org-a', tags: ['org'] },
      { id: 'org-b', tags: ['org'] },
      { id: 'bld/1', tags: ['building'] },
    ],
    systems: [
      { id: 'sys-1', zones: ['org-a', 'bld/1'], modules: ['mod-shared', 'mod-only'] },
      { id: 'sys-2', zones: ['org-b'], modules: ['mod-other', 'mod-shared'] },
      { id: 'sys-orphan', zones: [], modules: ['mod-shared'] },
      { id: 'sys-twice', zones: ['org-a'], modules: ['mod-shared', 'mod-x', 'mod-shared'] },
    ],
    modules: [
      { id: 'mod-shared', name: 'Display', driverId: 'drv-d' },
      { id: 'mod-other', name: 'Display', driverId: 'drv-d' },
      { id: 'mod-only', name: 'Lights', customName: 'A/V #1', driverId: 'drv-l' },
      { id: 'mod-x', name: 'X', driverId: 'drv-x' },
    ],
  });

  it('publishes a module in several systems under each, with its index in each', () => {
    expect(mapper.stateTopicsOfModule(topology, 'mod-shared', 'power')).toEqual([
      { systemId: 'sys-1', topic: 'placeos/org-a/state/bld%2F1/_/_/sys-1/drv-d/Display/1/power' },
      { systemId: 'sys-2', topic: 'placeos/org-b/state/_/_/_/sys-2/drv-d/Display/2/power' },
      { systemId: 'sys-twice', topic: 'placeos/org-a/state/_/_/_/sys-twice/drv-d/Display/1/power' },
      { systemId: 'sys-twice', topic: 'placeos/org-a/state/_/_/_/sys-twice/drv-d/Display/2/power' },
    ]);
  });

  it('returns the first slot from stateTopic for a module a system lists twice', () => {
    expect(mapper.stateTopic(topology, 'sys-twice', 'mod-shared', 'power')).toBe(
      'placeos/org-a/state/_/_/_/sys-twice/drv-d/Display/1/power',
    );
  });

  it('encodes names and keys that would break the topic tree', () => {
    expect(mapper.stateTopic(topology, 'sys-1', 'mod-only', 'volume/left+right')).toBe(
      'placeos/org-a/state/bld%2F1/_/_/sys-1/drv-l/A%2FV %231/1/volume%2Fleft%2Bright',
    );
    expect(mapper.stateTopic(topology, 'sys-1', 'mod-only', '_')).toMatch(/\/1\/%5F$/);
    expect(mapper.stateTopic(topology, 'sys-1', 'mod-only', '')).toMatch(/\/1\/%$/);
  });

  it('returns undefined for a module not in the system, or unknown ids', () => {
    expect(mapper.stateTopic(topology, 'sys-1', 'mod-other', 'power')).toBeUndefined();
    expect(mapper.stateTopic(topology, 'sys-orphan', 'mod-shared', 'power')).toBeUndefined();
    expect(mapper.stateTopic(topology, 'sys-9', 'mod-shared', 'power')).toBeUndefined();
    expect(mapper.stateTopic(topology, 'sys-1', 'mod-9', 'power')).toBeUndefined();
    expect(mapper.stateTopicsOfModule(topology, 'mod-9', 'power')).toEqual([]);
  });

  it('parses what it builds back into decoded parts', () => {
    const topic = mapper.stateTopic(topology, 'sys-1', 'mod-only', 'a/b');
    expect(mapper.parseStateTopic(topic!)).toEqual({
      org: 'org-a',
      levels: ['bld/1', '_', '_'],
      systemId: 'sys-1',
      driverId: 'drv-l',
      moduleName: 'A/V #1',
      index: 1,
      key: 'a/b',
    });
  });
});

describe('TopicMapper metadata', () => {
  const mapper = new TopicMapper({ hierarchy: GUIDE_HIERARCHY });
  const topology = fixtureTopology({
    zones: [
      { id: 'org-1', tags: ['org'] },
      { id: 'org-2', tags: ['org'] },
      { id: 'bld-1', tags: ['building'] },
      { id: 'lvl-1', tags: ['level'] },
      { id: 'lvl-unused', tags: ['level'] },
      { id: 'area-1', tags: ['area'] },
      { id: 'zone-untagged', tags: ['desks'] },
    ],
    systems: [
      {
        id: 'sys-1',
        zones: ['org-1', 'bld-1', 'zone-untagged', 'lvl-1', 'lvl-unused', 'area-1', 'org-2'],
        modules: ['mod-1', 'mod-2', 'mod-3', 'mod-ghost'],
      },
      { id: 'sys-2', zones: ['org-1', 'bld-1'], modules: ['mod-1'] },
      { id: 'sys-no-org', zones: ['bld-1', 'lvl-unused'], modules: ['mod-4'] },
    ],
    modules: [
      { id: 'mod-1', name: 'Display', driverId: 'drv-display' },
      { id: 'mod-2', name: 'Display', driverId: 'drv-display' },
      { id: 'mod-3', name: 'Camera', driverId: 'drv-unknown' },
      { id: 'mod-4', name: 'Lights', driverId: 'drv-lights' },
    ],
    drivers: [{ id: 'drv-display' }, { id: 'drv-lights' }],
  });

  it('publishes org, hierarchy zones, systems and drivers under the org zone id, once each', () => {
    const entries = mapper.metadata(topology);
    expect([...entries.values()].map((e) => [e.topic, e.kind, e.org, e.modelId])).toEqual([
      ['placeos/org-1/metadata/org-1', 'zone', 'org-1', 'org-1'],
      ['placeos/org-1/metadata/bld-1', 'zone', 'org-1', 'bld-1'],
      ['placeos/org-1/metadata/lvl-1', 'zone', 'org-1', 'lvl-1'],
      ['placeos/org-1/metadata/area-1', 'zone', 'org-1', 'area-1'],
      ['placeos/org-1/metadata/sys-1', 'system', 'org-1', 'sys-1'],
      ['placeos/org-1/metadata/drv-display', 'driver', 'org-1', 'drv-display'],
      ['placeos/org-1/metadata/sys-2', 'system', 'org-1', 'sys-2'],
    ]);
    for (const [topic, entry] of entries) expect(entry.topic).toBe(topic);
  });

  it('carries each model raw JSON as the value', () => {
    const entries = mapper.metadata(topology);
    expect(entries.get('placeos/org-1/metadata/lvl-1')?.model).toBe(
      topology.zones.get('lvl-1')?.raw,
    );
    expect(entries.get('placeos/org-1/metadata/sys-1')?.model).toBe(
      topology.systems.get('sys-1')?.raw,
    );
    expect(entries.get('placeos/org-1/metadata/drv-display')?.model).toEqual({
      id: 'drv-display',
      name: 'Driver drv-display',
    });
  });

  it('publishes nothing for a system without an org, nor for models it alone uses', () => {
    const topics = [...mapper.metadata(topology).keys()];
    expect(topics.some((t) => t.includes('sys-no-org'))).toBe(false);
    expect(topics.some((t) => t.includes('drv-lights'))).toBe(false);
    expect(topics.some((t) => t.includes('lvl-unused') || t.includes('org-2'))).toBe(false);
  });

  it('publishes shared models under each org that uses them, with encoded ids', () => {
    const shared = fixtureTopology({
      zones: [
        { id: 'org/a', tags: ['org'] },
        { id: 'org-b', tags: ['org'] },
        { id: 'bld', tags: ['building'] },
      ],
      systems: [
        { id: 'sys-a', zones: ['org/a', 'bld'], modules: [] },
        { id: 'sys-b', zones: ['org-b', 'bld'], modules: [] },
      ],
    });
    const topics = [...mapper.metadata(shared).keys()];
    expect(topics).toEqual([
      'placeos/org%2Fa/metadata/org%2Fa',
      'placeos/org%2Fa/metadata/bld',
      'placeos/org%2Fa/metadata/sys-a',
      'placeos/org-b/metadata/org-b',
      'placeos/org-b/metadata/bld',
      'placeos/org-b/metadata/sys-b',
    ]);
    expect(mapper.metadata(shared).get('placeos/org%2Fa/metadata/bld')?.org).toBe('org/a');
  });
});
