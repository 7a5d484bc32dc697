// Privacy rule engine micro-benchmark: `npm run bench:privacy`. Prints figures, asserts nothing.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { JsonValue } from '@app/json';
import { type PlaceSystem, Topology } from '@app/placeos-client';
import { BridgeMetrics, createLogger } from '@app/observability';
import {
  BridgePipeline,
  DeliveryLedger,
  DeliveryPlanner,
  DeliverySink,
  LeakFindings,
  type OutgoingMessage,
  StateStore,
} from '@app/pipeline';
import {
  RuleSet,
  type PrivacyRule,
  type PrivacyRuleInput,
  normalizeRule,
  normalizeSubject,
  subjectDigest,
  SubjectSet,
} from '@app/privacy';
import { TopicMapper } from '@app/topics';
import { TYPICAL_VALUE } from './support/privacy-chain';
import { TWENTY_RULES } from './support/twenty-rules';

const TOPIC =
  'placeos/zone-org1/state/zone-bld1/zone-lvl3/zone-area2/sys-G0f6Jj5r2Q/driver-Bkg/Bookings/1/current';
const OTHER_TOPIC =
  'placeos/zone-org1/state/zone-bld1/zone-lvl3/_/sys-Hx81kq/driver-Disp/Display/1/power';
const TARGET = { id: 'cloud', secret: 'a'.repeat(128) };

/** A ~200-byte booking, the kind of value privacy rules exist for. */
const BOOKING: JsonValue = {
  id: 'bk-1029',
  title: 'Weekly sync room-42',
  host: 'alice.smith+work@example.com',
  attendees: [{ name: 'Bob', email: 'bob@example.org' }],
  start: 1732500000,
  end: 1732503600,
  phone: '+61 2 9876 5432',
  creator: 'user-G0f6Jj5r2Q',
  private: false,
};

function stored(input: PrivacyRuleInput, i: number): PrivacyRule {
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
  return { ...normalizeRule(input), id: `rule-${i}`, version: 1, createdAt: at, updatedAt: at };
}

/** Prints wall-clock and CPU time per call; CPU time is steadier on a shared, busy machine. */
function measure(label: string, iterations: number, run: () => void): void {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) run(); // warm-up
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) run();
  const wall = ((performance.now() - started) * 1000) / iterations;
  const cpuUsed = process.cpuUsage(cpuBefore);
  const cpu = (cpuUsed.user + cpuUsed.system) / iterations;
  console.log(
    `${label.padEnd(56)} ${wall.toFixed(2).padStart(8)} µs/event wall ${cpu.toFixed(2).padStart(8)} µs/event CPU`,
  );
}

console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores)`,
);
console.log(`value: ${JSON.stringify(BOOKING).length} bytes of JSON`);

const rules = TWENTY_RULES.map(stored);
const ruleSet = RuleSet.compile(rules);
if (ruleSet.problems.length > 0) throw new Error(JSON.stringify(ruleSet.problems));
const sample = ruleSet.apply(TOPIC, BOOKING, TARGET);
console.log(
  `20 rules → ${sample.outcome}, applied: ${sample.applied.map((r) => r.name).join(', ')}`,
);

// Same shape, no personal data: every rule still runs, none finds anything.
const plain: JsonValue = {
  id: 'weekly',
  title: 'Weekly sync',
  attendees: [],
  start: 1732500000,
  end: 1732503600,
  phone: 'n/a',
  creator: 'system',
  private: false,
};
// A typical state value: ~200 bytes, one personal field.
const typical: JsonValue = TYPICAL_VALUE;

measure(`20 rules, booking: ${sample.applied.length} rules act on 7 leaves`, 100_000, () => {
  ruleSet.apply(TOPIC, BOOKING, TARGET);
});
measure(`20 rules, ${JSON.stringify(typical).length}-byte value, one email`, 100_000, () => {
  ruleSet.apply(TOPIC, typical, TARGET);
});
measure('20 rules, booking shape, nothing to redact', 100_000, () => {
  ruleSet.apply(TOPIC, plain, TARGET);
});
const narrow = RuleSet.compile(
  rules.filter((rule) => rule.topic !== '#' && rule.topic !== 'placeos/+/state/#'),
);
const quietTopic = OTHER_TOPIC.replace('Display', 'Lights');
measure(`fast path: none of ${narrow.size} rules selects the topic`, 1_000_000, () => {
  narrow.apply(quietTopic, BOOKING, TARGET);
});
const freshTopics = Array.from({ length: 100_000 }, (_, i) => `${quietTopic}-${i}`);
let next = 0;
measure('fast path, a new topic every call (selection cache miss)', 100_000, () => {
  narrow.apply(freshTopics[next++ % freshTopics.length], BOOKING, TARGET);
});
measure('fast path: empty rule set', 1_000_000, () => {
  RuleSet.EMPTY.apply(TOPIC, BOOKING, TARGET);
});

const many = Array.from({ length: 500 }, (_, i) =>
  stored(TWENTY_RULES[i % TWENTY_RULES.length], i),
);
const compileRuns = 20;
const started = performance.now();
for (let i = 0; i < compileRuns; i++) RuleSet.compile(many);
console.log(
  `${'compile 500 rules'.padEnd(58)} ${((performance.now() - started) / compileRuns).toFixed(2).padStart(9)} ms`,
);

// ---- privacy assurance: the leak canary and data subjects on the delivery path -------------

const HIERARCHY = ['org', 'building', 'level', 'area'];
const planner = (findings?: LeakFindings) => {
  const p = new DeliveryPlanner([{ ...TARGET, rewrite: {} }], {
    hierarchy: HIERARCHY,
    timeUnit: 'ms',
    findings,
  });
  p.setRules(ruleSet);
  return p;
};
/** Two values taking turns at one topic, so the canary scans every time (no repeat to skip). */
function alternating(value: JsonValue): OutgoingMessage[] {
  return [0, 1].map((n) => ({
    kind: 'state',
    topic: TOPIC,
    json: JSON.stringify({ ...(value as object), seq: n }),
    time: 1732500000123,
  }));
}
function measurePlanning(label: string, plan: DeliveryPlanner, value: JsonValue): void {
  const messages = alternating(value);
  let turn = 0;
  measure(label, 100_000, () => {
    plan.plan(messages[turn++ & 1], []);
  });
}
const plainPlanner = planner();
const canaryPlanner = planner(new LeakFindings({ hierarchyLength: HIERARCHY.length }));
measurePlanning('planner, 20 rules, typical value', plainPlanner, typical);
measurePlanning('planner, 20 rules, typical value, with findings canary', canaryPlanner, typical);
measurePlanning('planner, 20 rules, booking', plainPlanner, BOOKING);
measurePlanning('planner, 20 rules, booking, with findings canary', canaryPlanner, BOOKING);
// No rule protects the e-mail: the canary finds it in every value (the most it ever does).
const noRules = planner();
noRules.setRules(RuleSet.EMPTY);
measurePlanning('planner, no rules, typical value', noRules, typical);
const noRulesCanary = planner(new LeakFindings({ hierarchyLength: HIERARCHY.length }));
noRulesCanary.setRules(RuleSet.EMPTY);
measurePlanning('planner, no rules, typical value, with findings canary', noRulesCanary, typical);

const SUBJECT_KEY = 'k'.repeat(64);
const subjectPlanner = planner();
subjectPlanner.setSubjects(
  SubjectSet.compile(
    Array.from({ length: 5000 }, (_, i) => ({
      digest: subjectDigest(SUBJECT_KEY, normalizeSubject(`person${i}@example.com`)),
      action: 'replace' as const,
    })),
    SUBJECT_KEY,
  ),
);
measurePlanning('planner, 20 rules, typical value, 5,000 subjects', subjectPlanner, typical);
measurePlanning('planner, 20 rules, booking, 5,000 subjects', subjectPlanner, BOOKING);

// ---- impact of a proposed rule set over 100,000 current topics -------------------------------

/** One org, `systems` rooms of 5 modules with 10 keys each; every tenth value has an e-mail. */
function portfolio(systems: number): { topology: Topology; pipeline: BridgePipeline } {
  const zones = new Map([
    [
      'zone-org',
      { id: 'zone-org', name: 'Org', tags: ['org'], updatedAt: 1, raw: { id: 'zone-org' } },
    ],
  ]);
  const modules = new Map();
  const drivers = new Map([['driver-1', { id: 'driver-1', name: 'Room', updatedAt: 1, raw: {} }]]);
  const rooms = new Map<string, PlaceSystem>();
  const names = ['Bookings', 'Display', 'Camera', 'Lights', 'Desk'];
  for (let n = 0; n < systems; n++) {
    const ids = names.map((name) => {
      const id = `mod-${n}-${name}`;
      modules.set(id, { id, name, driverId: 'driver-1', updatedAt: 1 });
      return id;
    });
    const raw = { id: `sys-${n}`, email: `room-${n}@example.com` };
    rooms.set(`sys-${n}`, {
      id: `sys-${n}`,
      name: `Room ${n}`,
      zones: ['zone-org'],
      modules: ids,
      version: 1,
      updatedAt: 1,
      raw,
    });
  }
  const topology = new Topology(rooms, zones, modules, drivers);
  const ledger = new DeliveryLedger();
  const metrics = new BridgeMetrics({ defaultMetrics: false });
  const logger = createLogger({ level: 'silent' });
  const targets = ['local', 'cloud'].map((id) => ({ id, secret: `${id}-secret`, rewrite: {} }));
  const pipeline = new BridgePipeline({
    mapper: new TopicMapper({ hierarchy: HIERARCHY }),
    store: new StateStore(),
    ledger,
    planner: new DeliveryPlanner(targets, { hierarchy: HIERARCHY, timeUnit: 'ms' }),
    sink: new DeliverySink(new Map(), ledger, metrics, logger),
    metrics,
    logger,
    topology: () => topology,
  });
  let k = 0;
  for (let n = 0; n < systems; n++) {
    for (const name of names) {
      for (let key = 0; key < 10; key++) {
        const value: JsonValue =
          ++k % 10 === 0
            ? { ...(typical as object), host: `person${k}@example.com` }
            : key % 2 === 0;
        pipeline.onStateChanges([
          {
            systemId: `sys-${n}`,
            moduleName: name,
            index: 1,
            key: `key${key}`,
            json: JSON.stringify(value),
            receivedAt: 1,
            resync: true,
          },
        ]);
      }
    }
  }
  return { topology, pipeline };
}

async function measureImpact(): Promise<void> {
  const { pipeline } = portfolio(2000);
  pipeline.planner.setRules(ruleSet);
  const proposals: [string, RuleSet][] = [
    [
      '+1 rule selecting every topic',
      RuleSet.compile([
        ...rules,
        stored({ name: 'hide-head-counts', keys: ['people'], action: 'replace' }, 99),
      ]),
    ],
    [
      '+1 drop rule on one module name',
      RuleSet.compile([
        ...rules,
        stored(
          { name: 'drop-cameras', topic: 'placeos/+/state/+/+/+/+/+/Camera/#', action: 'drop' },
          98,
        ),
      ]),
    ],
  ];
  for (const [label, proposed] of proposals) {
    for (let run = 0; run < 3; run++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const [local] = await pipeline.impact(proposed);
      const wall = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const topics = local.changed + local.dropped + local.unchanged;
      console.log(
        `${`impact, ${topics.toLocaleString('en')} topics × 2 brokers, ${label}`.padEnd(72)} ${wall.toFixed(0).padStart(6)} ms wall ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(6)} ms CPU (changed ${local.changed}, dropped ${local.dropped})`,
      );
    }
  }
}

void measureImpact();
