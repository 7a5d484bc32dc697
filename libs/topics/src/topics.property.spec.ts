import fc from 'fast-check';
import type { JsonValue } from '@app/json';
import { resolvedModuleName } from '@app/placeos-client';
import { describe, expect, it } from 'vitest';
import { encodePayload, jsonTextOfValue } from './payload';
import { type StateTopicParts, stateTopic } from './state-topic';
import { decodeTopicLevel, encodeTopicLevel, MISSING_LEVEL } from './topic-level';
import { TopicMapper } from './topic-mapper';
import { isValidTopicName, topicLevelCount } from './topic-name';
import { destinationTopic } from './topic-rewrite';
import { fixtureTopology, type TopologyFixture } from './topology-fixture';

/** Any UTF-16 code unit, so lone surrogates appear too. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const nastyChar = fc.constantFrom(
  '/',
  '+',
  '#',
  '%',
  '\u0000',
  '\n',
  '\u007F',
  '\u0085',
  '_',
  '😀',
  '\ud800',
  'a',
  ' ',
);

/** Text from every corner: graphemes, any code point, raw code units, topic syntax and escapes. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'grapheme-composite' }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'binary-ascii' }),
  fc.string({ unit: codeUnit }),
  fc.string({ unit: nastyChar }),
  fc.constantFrom('', '_', '%', '%25', '%5F', '%00', 'mod-1234', "M'Odule"),
);

describe('topic level encoding properties', () => {
  it('decodes every encoding back to the original text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(decodeTopicLevel(encodeTopicLevel(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('never emits / + # NUL, a lone surrogate, an empty level or MISSING_LEVEL', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const level = encodeTopicLevel(text);
        for (const forbidden of ['/', '+', '#', '\u0000']) expect(level).not.toContain(forbidden);
        expect(level).not.toBe('');
        expect(level).not.toBe(MISSING_LEVEL);
        expect(isValidTopicName(level)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives different texts different levels', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        fc.pre(a !== b);
        expect(encodeTopicLevel(a)).not.toBe(encodeTopicLevel(b));
      }),
      { numRuns: 1000 },
    );
  });
});

interface Scenario {
  hierarchy: string[];
  /** Zone id filling each hierarchy level (index 0 = org), or undefined when missing. */
  levelZones: Array<string | undefined>;
  fixture: TopologyFixture;
  systemId: string;
  modules: Array<{ id: string; name: string; customName?: string; driverId: string }>;
  key: string;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .uniqueArray(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), {
    minLength: 1,
    maxLength: 5,
  })
  .chain((hierarchy) =>
    fc.record({
      hierarchy: fc.constant(hierarchy),
      levelZones: fc.tuple(
        anyText,
        ...hierarchy.slice(1).map(() => fc.option(anyText, { nil: undefined })),
      ),
      shadowZone: anyText,
      systemId: anyText,
      modules: fc.array(
        fc.record({
          name: fc.oneof(anyText, fc.constantFrom('Display', '_')),
          customName: fc.option(fc.oneof(anyText, fc.constantFrom('Display', ' ')), {
            nil: undefined,
          }),
          driverId: anyText,
        }),
        { minLength: 1, maxLength: 6 },
      ),
      key: anyText,
    }),
  )
  .map(({ hierarchy, levelZones, shadowZone, systemId, modules, key }) => {
    // One zone per id; an id filling several levels carries all their tags (a multi-tag zone).
    const tagsById = new Map<string, string[]>();
    levelZones.forEach((id, level) => {
      if (id !== undefined) tagsById.set(id, [...(tagsById.get(id) ?? []), hierarchy[level]]);
    });
    const zones = [...tagsById].map(([id, tags]) => ({ id, tags }));
    const systemZones = [...tagsById.keys()];
    // A later zone carrying every filled tag must lose to the earlier ones (first zone wins).
    if (!tagsById.has(shadowZone)) {
      zones.push({ id: shadowZone, tags: hierarchy.filter((_, i) => levelZones[i] !== undefined) });
      systemZones.push(shadowZone);
    }
    systemZones.unshift('zone-not-in-topology');
    const withIds = modules.map((m, i) => ({ ...m, id: `mod-${i}` }));
    return {
      hierarchy,
      levelZones,
      systemId,
      modules: withIds,
      key,
      fixture: {
        zones,
        systems: [{ id: systemId, zones: systemZones, modules: withIds.map((m) => m.id) }],
        modules: withIds,
        drivers: [],
      },
    };
  });

describe('state topic properties', () => {
  it('produces valid topics with the expected levels that parse back to their parts', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const mapper = new TopicMapper({ hierarchy: s.hierarchy });
        const topology = fixtureTopology(s.fixture);
        const seen = new Map<string, number>();
        s.modules.forEach((module) => {
          const name = resolvedModuleName(module);
          const index = (seen.get(name) ?? 0) + 1;
          seen.set(name, index);
          const expected: StateTopicParts = {
            org: s.levelZones[0] as string,
            levels: s.levelZones.slice(1).map((id) => id ?? MISSING_LEVEL),
            systemId: s.systemId,
            driverId: module.driverId,
            moduleName: name,
            index,
            key: s.key,
          };
          const topic = mapper.stateTopic(topology, s.systemId, module.id, s.key);
          expect(topic).toBe(stateTopic(expected));
          if (topic === undefined) return;
          expect(isValidTopicName(topic)).toBe(true);
          expect(topicLevelCount(topic)).toBe(s.hierarchy.length + 7);
          expect(mapper.parseStateTopic(topic)).toEqual(expected);
          expect(mapper.stateTopicsOfModule(topology, module.id, s.key)).toEqual([
            { systemId: s.systemId, topic },
          ]);

          const flattened = destinationTopic(
            topic,
            { topicTemplate: 'placeos/{org}/{system}/{module}_{index}/{key}' },
            s.hierarchy,
          );
          expect(isValidTopicName(flattened)).toBe(true);
          expect(topicLevelCount(flattened)).toBe(5);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('never parses a topic unless it is exactly what stateTopic builds', () => {
    const mapper = new TopicMapper({ hierarchy: ['org', 'building'] });
    const level = fc.oneof(anyText, anyText.map(encodeTopicLevel), fc.constant(MISSING_LEVEL));
    fc.assert(
      fc.property(fc.array(level, { minLength: 9, maxLength: 9 }), (levels) => {
        const topic = ['placeos', levels[0], 'state', ...levels.slice(1)].join('/');
        const parts = mapper.parseStateTopic(topic);
        if (parts !== undefined) expect(stateTopic(parts)).toBe(topic);
      }),
      { numRuns: 1000 },
    );
  });
});

/** JSON cannot tell -0 from 0 once serialized; JSON.stringify writes it as 0. */
function withoutNegativeZero(value: JsonValue): JsonValue {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(copy, k, {
        value: withoutNegativeZero(v),
        enumerable: true,
        writable: true,
      });
    }
    return copy;
  }
  return value;
}

describe('payload properties', () => {
  const jsonValue = fc.oneof(
    fc.jsonValue(),
    fc.jsonValue({ stringUnit: 'binary' }),
    fc.jsonValue({ stringUnit: codeUnit }),
  ) as fc.Arbitrary<JsonValue>;

  it('round-trips any JSON value with the time first', () => {
    fc.assert(
      fc.property(jsonValue, fc.integer({ min: 0, max: 2 ** 45 }), (value, time) => {
        const payload = encodePayload(jsonTextOfValue(value), time, 'ms');
        expect(payload.startsWith(`{"time":${time},"value":`)).toBe(true);
        expect(JSON.parse(payload)).toEqual({ time, value: withoutNegativeZero(value) });
        expect(Buffer.from(payload, 'utf8').toString('utf8')).toBe(payload);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes whole seconds in seconds mode', () => {
    fc.assert(
      fc.property(jsonValue, fc.integer({ min: 0, max: 2 ** 45 }), (value, time) => {
        const payload = encodePayload(jsonTextOfValue(value), time, 's');
        expect(payload.startsWith('{"time":')).toBe(true);
        expect(JSON.parse(payload)).toEqual({
          time: Math.floor(time / 1000),
          value: withoutNegativeZero(value),
        });
      }),
      { numRuns: 300 },
    );
  });
});
