import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateTopic } from './state-topic';
import { decodeTopicLevel } from './topic-level';
import {
  destinationLimitProblem,
  destinationTopic,
  validateTopicPrefix,
  validateTopicTemplate,
} from './topic-rewrite';
import { topicLevelCount, topicLimitProblem } from './topic-name';

const AWS_TEMPLATE = 'placeos/{org}/{system}/{module}_{index}/{key}';
const AWS_LIMITS = { maxTopicLevels: 8, maxTopicBytes: 256, exemptAwsBasicIngest: true };

const HIERARCHY = ['org', 'building', 'level', 'area'];
const STATE = "placeos/org-donor/state/cards/_/2042/cs-9445/12345/M'Odule/1/power";
const METADATA = 'placeos/org-donor/metadata/cs-9445';

describe('destinationTopic', () => {
  it('keeps the canonical topic without a rewrite', () => {
    expect(destinationTopic(STATE, {}, HIERARCHY)).toBe(STATE);
  });

  it('prepends the prefix as is to every topic', () => {
    expect(destinationTopic(STATE, { topicPrefix: 'tenant-a/' }, HIERARCHY)).toBe(
      `tenant-a/${STATE}`,
    );
    expect(destinationTopic(METADATA, { topicPrefix: 'tenant-a/' }, HIERARCHY)).toBe(
      `tenant-a/${METADATA}`,
    );
  });

  it('flattens state topics to fit AWS IoT Core (at most 7 slashes)', () => {
    const rewrite = { topicTemplate: 'placeos/{org}/{system}/{module}_{index}/{key}' };
    const topic = destinationTopic(STATE, rewrite, HIERARCHY);
    expect(topic).toBe("placeos/org-donor/cs-9445/M'Odule_1/power");
    expect(topicLimitProblem(STATE, { maxTopicLevels: 8 })).toBe(
      'topic has 11 levels, broker allows 8',
    );
    expect(topicLimitProblem(topic, { maxTopicLevels: 8, maxTopicBytes: 256 })).toBeUndefined();
  });

  it('fills every placeholder, hierarchy tags by name, with the encoded level text', () => {
    const canonical = 'placeos/o%2F1/state/b/_/a%23/s/d/A%2FV/2/k%2B';
    const template =
      '{org}|{building}|{level}|{area}|{system}|{driver}|{module}|{index}|{key}|{topic}';
    expect(destinationTopic(canonical, { topicTemplate: template }, HIERARCHY)).toBe(
      `o%2F1|b|_|a%23|s|d|A%2FV|2|k%2B|${canonical}`,
    );
  });

  it('knows the tags of a custom hierarchy, including the first tag besides {org}', () => {
    const hierarchy = ['tenant', 'region', 'building'];
    const canonical = 'placeos/t1/state/r1/b1/s/d/m/1/k';
    const rewrite = {
      topicTemplate: '{tenant}/{org}/{region}/{building}/{system}/{module}/{index}/{key}',
    };
    expect(destinationTopic(canonical, rewrite, hierarchy)).toBe('t1/t1/r1/b1/s/m/1/k');
  });

  it('applies the template first, then the prefix, and leaves non-state topics to the prefix', () => {
    const rewrite = { topicPrefix: 'x/', topicTemplate: 'p/{system}/{module}/{index}/{key}' };
    expect(destinationTopic(STATE, rewrite, HIERARCHY)).toBe("x/p/cs-9445/M'Odule/1/power");
    expect(destinationTopic(METADATA, rewrite, HIERARCHY)).toBe(`x/${METADATA}`);
    expect(destinationTopic('bridge/status', rewrite, HIERARCHY)).toBe('x/bridge/status');
  });

  it('throws an error naming an unknown placeholder', () => {
    expect(() => destinationTopic(STATE, { topicTemplate: '{topic}/{floor}' }, HIERARCHY)).toThrow(
      'unknown placeholder {floor}',
    );
    expect(() =>
      destinationTopic(METADATA, { topicTemplate: '{region}/{topic}' }, HIERARCHY),
    ).toThrow('{region}');
  });
});

describe('validateTopicTemplate', () => {
  it('accepts the AWS example and {topic} alone', () => {
    expect(
      validateTopicTemplate('placeos/{org}/{system}/{module}_{index}/{key}', HIERARCHY),
    ).toBeUndefined();
    expect(validateTopicTemplate('{topic}', HIERARCHY)).toBeUndefined();
    expect(validateTopicTemplate('a/{region}/{topic}', ['org', 'region'])).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['{topic}/{region}', 'unknown placeholder {region}; known placeholders: {org}, {building}'],
    ['{}/{topic}', 'unknown placeholder {}'],
    ['{topic', "unmatched '{' at position 0"],
    ['{to{topic}', "unmatched '{' at position 0"],
    ['a}/{topic}', "unmatched '}' at position 1"],
    ['+/{topic}', "MQTT wildcard '+'"],
    ['{topic}/#', "MQTT wildcard '#'"],
    ['{topic}\u0000', 'NUL'],
    ['{topic}/\ud800', 'lone surrogate'],
    ['{system}/{module}/{key}', 'lacks {index}: different states would share one topic'],
    ['{org}/{building}', 'lacks {system}, {module}, {index}, {key}'],
  ])('reports %j', (template, problem) => {
    expect(validateTopicTemplate(template, HIERARCHY)).toContain(problem);
  });
});

describe('validateTopicPrefix', () => {
  it('accepts ordinary prefixes and reports wildcards', () => {
    expect(validateTopicPrefix('tenant-a/')).toBeUndefined();
    expect(validateTopicPrefix('$aws/rules/placeos/')).toBeUndefined();
    expect(validateTopicPrefix('a/+/')).toBe("topicPrefix contains the MQTT wildcard '+'");
  });
});

describe('the AWS IoT Core template keeps distinct states distinct', () => {
  const text = fc.string({
    unit: fc.constantFrom('a', 'Z', '_', '1', '9', '/', '%', '+', '#', ' ', 'é', '\u0000', '😀'),
    maxLength: 12,
  });
  const part = fc.record({
    org: text,
    systemId: text,
    moduleName: text,
    index: fc.integer({ min: 1, max: 10_000 }),
    key: text,
  });

  it('can be read back into org, system, module, index and key (so it is injective)', () => {
    fc.assert(
      fc.property(part, (p) => {
        const canonical = stateTopic({ ...p, levels: ['b', 'l', 'a'], driverId: 'drv' });
        const topic = destinationTopic(canonical, { topicTemplate: AWS_TEMPLATE }, HIERARCHY);
        // Encoded levels never contain '/', and {index} is digits: the last '_' splits them.
        const [root, org, system, moduleAndIndex, key, ...rest] = topic.split('/');
        expect(rest).toEqual([]);
        expect(root).toBe('placeos');
        const cut = moduleAndIndex.lastIndexOf('_');
        expect({
          org: decodeTopicLevel(org),
          systemId: decodeTopicLevel(system),
          moduleName: decodeTopicLevel(moduleAndIndex.slice(0, cut)),
          index: Number(moduleAndIndex.slice(cut + 1)),
          key: decodeTopicLevel(key),
        }).toEqual(p);
        expect(topicLevelCount(topic)).toBeLessThanOrEqual(8);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('destinationLimitProblem', () => {
  it('finds that the canonical state topic breaks AWS IoT Core, and the template fits', () => {
    expect(destinationLimitProblem({}, HIERARCHY, AWS_LIMITS)).toBe(
      "state topics break the broker's limits: topic has 11 levels, broker allows 8",
    );
    expect(destinationLimitProblem({ topicTemplate: AWS_TEMPLATE }, HIERARCHY, AWS_LIMITS)).toBe(
      undefined,
    );
    // With a one-level hierarchy the canonical topic has 8 levels: it fits without a template.
    expect(destinationLimitProblem({}, ['org'], AWS_LIMITS)).toBeUndefined();
  });

  it('counts a prefix and checks metadata topics too', () => {
    const rewrite = { topicTemplate: AWS_TEMPLATE, topicPrefix: 'a/b/c/d/' };
    expect(destinationLimitProblem(rewrite, HIERARCHY, AWS_LIMITS)).toBe(
      "state topics break the broker's limits: topic has 9 levels, broker allows 8",
    );
    const deepPrefix = { topicTemplate: AWS_TEMPLATE, topicPrefix: 'a/b/c/d/e/' };
    expect(destinationLimitProblem(deepPrefix, ['org'], { maxTopicLevels: 9 })).toMatch(
      /^state topics .* 10 levels/,
    );
    expect(
      destinationLimitProblem({ topicPrefix: 'a/b/c/d/e/' }, ['org'], { maxTopicLevels: 8 }),
    ).toMatch(/^state topics/);
    expect(
      destinationLimitProblem(
        { topicTemplate: '{system}|{module}|{index}|{key}', topicPrefix: 'a/b/c/d/e/' },
        HIERARCHY,
        { maxTopicLevels: 8 },
      ),
    ).toBe("metadata topics break the broker's limits: topic has 9 levels, broker allows 8");
  });

  it('checks bytes against ids, names and keys of typical length', () => {
    const problem = destinationLimitProblem({ topicTemplate: AWS_TEMPLATE }, HIERARCHY, {
      maxTopicBytes: 100,
    });
    expect(problem).toMatch(
      /^state topics break the broker's limits: topic is \d+ bytes, broker allows 100 \(assuming 24-byte ids/,
    );
    expect(
      destinationLimitProblem({ topicTemplate: AWS_TEMPLATE }, HIERARCHY, { maxTopicBytes: 200 }),
    ).toBeUndefined();
  });
});
