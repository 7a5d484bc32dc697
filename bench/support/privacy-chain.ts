import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type Delivery, DeliveryPlanner, type OutgoingMessage } from '@app/pipeline';
import { normalizeRule, type PrivacyRule, RuleSet } from '@app/privacy';
import { TWENTY_RULES } from './twenty-rules';

const TOPIC =
  'placeos/zone-org1/state/zone-bld1/zone-lvl3/zone-area2/sys-G0f6Jj5r2Q/driver-Bkg/Bookings/1/current';
const TARGET = { id: 'cloud', secret: 'a'.repeat(128), rewrite: {} };
const HIERARCHY = ['org', 'building', 'level', 'area'];

/** A typical state value: ~200 bytes, one personal field (an e-mail address to hash). */
export const TYPICAL_VALUE = {
  status: 'occupied',
  title: 'Weekly sync',
  host: 'alice.smith@example.com',
  level: 'zone-lvl3',
  since: 1732500000,
  people: 4,
  booked: true,
  source: 'calendar',
  tags: ['video', 'large'],
};

export function twentyRuleSet(): RuleSet {
  const rules = TWENTY_RULES.map((input, i): PrivacyRule => {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    return { ...normalizeRule(input), id: `rule-${i}`, version: 1, createdAt: at, updatedAt: at };
  });
  const ruleSet = RuleSet.compile(rules);
  if (ruleSet.problems.length > 0) throw new Error(JSON.stringify(ruleSet.problems));
  return ruleSet;
}

/** CPU microseconds per call: the median of three runs of `iterations` after a warm-up. */
export function cpuMicros(iterations: number, run: () => void): number {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) run();
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) run();
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / iterations);
  }
  return runs.sort((a, b) => a - b)[1];
}

export interface ChainFigures {
  rulesOnlyMicros: number;
  plannedMicros: number;
}

/**
 * The privacy chain on a typical value with twenty rules: the rules alone on the parsed value,
 * and the whole per-broker planning step the bridge runs (parse the text, the rules, write the
 * result keeping untouched numbers as sent, encode the payload).
 */
export function measurePrivacyChain(): ChainFigures {
  const ruleSet = twentyRuleSet();
  const rulesOnlyMicros = cpuMicros(100_000, () => {
    ruleSet.apply(TOPIC, TYPICAL_VALUE, TARGET);
  });
  const planner = new DeliveryPlanner([TARGET], { hierarchy: HIERARCHY, timeUnit: 'ms' });
  planner.setRules(ruleSet);
  // Two values taking turns, so nothing is reused from the previous call.
  const messages: OutgoingMessage[] = [0, 1].map((seq) => ({
    kind: 'state',
    topic: TOPIC,
    json: JSON.stringify({ ...TYPICAL_VALUE, people: seq }),
    time: 1_732_500_000_123,
  }));
  let turn = 0;
  const out: Delivery[] = [];
  const plannedMicros = cpuMicros(100_000, () => {
    out.length = 0;
    planner.plan(messages[turn++ & 1], out);
  });
  return { rulesOnlyMicros, plannedMicros };
}

const DIST_LIBS = join(__dirname, '..', '..', 'dist', 'apps', 'bridge', 'libs');

/**
 * measurePrivacyChain() on the built bridge's own compiled libraries, in a child process: the
 * code the bridge runs, not the benchmark's on-the-fly transpilation (which wraps every
 * closure in a naming helper and costs microseconds on a path this short).
 */
export function measurePrivacyChainAsBuilt(): ChainFigures {
  const script = `
    const { DeliveryPlanner } = require(${JSON.stringify(join(DIST_LIBS, 'pipeline/src/index.js'))});
    const { normalizeRule, RuleSet } = require(${JSON.stringify(join(DIST_LIBS, 'privacy/src/index.js'))});
    const inputs = ${JSON.stringify(TWENTY_RULES)};
    const value = ${JSON.stringify(TYPICAL_VALUE)};
    const topic = ${JSON.stringify(TOPIC)};
    const target = { id: 'cloud', secret: 'a'.repeat(128), rewrite: {} };
    const ruleSet = RuleSet.compile(inputs.map((input, i) => {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      return { ...normalizeRule(input), id: 'rule-' + i, version: 1, createdAt: at, updatedAt: at };
    }));
    ${cpuMicros.toString()}
    const rulesOnlyMicros = cpuMicros(100000, () => { ruleSet.apply(topic, value, target); });
    const planner = new DeliveryPlanner([target], { hierarchy: ${JSON.stringify(HIERARCHY)}, timeUnit: 'ms' });
    planner.setRules(ruleSet);
    const messages = [0, 1].map((seq) => ({ kind: 'state', topic, json: JSON.stringify({ ...value, people: seq }), time: 1732500000123 }));
    let turn = 0;
    const out = [];
    const plannedMicros = cpuMicros(100000, () => { out.length = 0; planner.plan(messages[turn++ & 1], out); });
    process.stdout.write(JSON.stringify({ rulesOnlyMicros, plannedMicros }));
  `;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }),
  ) as ChainFigures;
}
