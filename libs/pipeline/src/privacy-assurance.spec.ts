import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue } from '@app/json';
import { diffTopology, type PlaceSystem, Topology } from '@app/placeos-client';
import { BridgeMetrics, createLogger } from '@app/observability';
import {
  normalizeRule,
  normalizeSubject,
  type PrivacyRule,
  RuleSet,
  subjectDigest,
} from '@app/privacy';
import { SqliteRulesStore } from '@app/rules-store';
import { TopicMapper } from '@app/topics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgePipeline } from './bridge-pipeline';
import type { BrokerTarget } from './broker-target';
import { DeliveryLedger } from './delivery-ledger';
import { DeliveryPlanner } from './delivery-planner';
import { type DeliveryConnection, DeliverySink } from './delivery-sink';
import { LeakFindings } from './leak-findings';
import { RulesWatcher } from './rules-watcher';
import { StateStore } from './state-store';

/** org-1 holds sys-1 … sys-N, each with one Bookings module (driver drv-1). */
function portfolio(systems: number, systemName = 'Room'): Topology {
  const raw = (id: string, extra = {}) => ({ id, ...extra });
  const zones = new Map([
    ['org-1', { id: 'org-1', name: 'Org', tags: ['org'], updatedAt: 1, raw: raw('org-1') }],
  ]);
  const modules = new Map();
  const sys = new Map<string, PlaceSystem>();
  for (let n = 1; n <= systems; n++) {
    modules.set(`mod-${n}`, {
      id: `mod-${n}`,
      name: 'Bookings',
      driverId: 'drv-1',
      updatedAt: 1,
      raw: raw(`mod-${n}`),
    });
    sys.set(`sys-${n}`, {
      id: `sys-${n}`,
      name: systemName,
      zones: ['org-1'],
      modules: [`mod-${n}`],
      version: 1,
      updatedAt: 1,
      raw: raw(`sys-${n}`, { name: systemName }),
    });
  }
  const drivers = new Map([
    ['drv-1', { id: 'drv-1', name: 'Bkg', updatedAt: 1, raw: raw('drv-1') }],
  ]);
  return new Topology(sys, zones, modules, drivers);
}

const TOPIC = (n: number) => `placeos/org-1/state/sys-${n}/drv-1/Bookings/1/current`;
const FILTER = 'placeos/org-1/state/+/drv-1/Bookings/+/current';

function rule(name: string, fields: Partial<PrivacyRule>): PrivacyRule {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    ...normalizeRule({ name, action: 'hash', ...fields }),
    id: name,
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}

function harness(systems = 2) {
  let topology = portfolio(systems);
  const sent: { broker: string; topic: string; payload: string | null }[] = [];
  const connection = (id: string): DeliveryConnection => ({
    id,
    publish: (topic, payload) => (
      sent.push({ broker: id, topic, payload: payload.toString() }),
      'queued'
    ),
    clear: (topic) => (sent.push({ broker: id, topic, payload: null }), 'queued'),
  });
  const targets: BrokerTarget[] = [
    { id: 'a', secret: 'secret-a', rewrite: {} },
    { id: 'b', secret: 'secret-b', rewrite: {} },
  ];
  const metrics = new BridgeMetrics({ defaultMetrics: false });
  const logger = createLogger({ level: 'silent' });
  const ledger = new DeliveryLedger();
  const fresh: string[] = [];
  const findings = new LeakFindings({
    hierarchyLength: 1,
    onNewFinding: (f) => fresh.push(`${f.broker} ${f.detector} ${f.topicFilter}`),
  });
  const pipeline = new BridgePipeline({
    mapper: new TopicMapper({ hierarchy: ['org'] }),
    store: new StateStore(),
    ledger,
    planner: new DeliveryPlanner(targets, { hierarchy: ['org'], timeUnit: 'ms', findings }),
    sink: new DeliverySink(
      new Map(targets.map((t) => [t.id, connection(t.id)])),
      ledger,
      metrics,
      logger,
    ),
    metrics,
    logger,
    topology: () => topology,
    now: () => 5000,
  });
  const set = (n: number, value: JsonValue, receivedAt = 1000, key = 'current') =>
    pipeline.deliver(
      pipeline.plan(
        pipeline.onStateChanges([
          {
            systemId: `sys-${n}`,
            moduleName: 'Bookings',
            index: 1,
            key,
            json: JSON.stringify(value),
            receivedAt,
            resync: false,
          },
        ]),
      ),
    );
  const latest = (broker: string, topic: string) =>
    sent.filter((s) => s.broker === broker && s.topic === topic).at(-1)?.payload;
  /** The client holds `next` now; the returned function handles its update event. */
  const stage = (next: Topology) => {
    const previous = topology;
    topology = next;
    return () =>
      pipeline.deliver(
        pipeline.plan(
          pipeline.onTopologyUpdate({
            previous,
            current: next,
            changes: diffTopology(previous, next),
          }),
        ),
      );
  };
  return { pipeline, findings, fresh, sent, set, latest, stage, logger };
}

describe('leak canary in the pipeline', () => {
  it('records an unprotected e-mail per broker, once per value, and stops once a rule hashes it', async () => {
    const h = harness();
    h.set(1, { host: 'alice@example.com' });
    h.set(2, { host: 'bob@example.org', note: 'call +61 2 9876 5432' });
    expect(
      h.findings.list().map((f) => `${f.broker} ${f.detector} ${f.topicFilter} ${f.count}`),
    ).toEqual([
      `a email ${FILTER} 2`,
      `b email ${FILTER} 2`,
      `a phone ${FILTER} 1`,
      `b phone ${FILTER} 1`,
    ]);
    expect(h.fresh).toHaveLength(4);
    // Re-publishing what the brokers hold (a rule change elsewhere) counts nothing new.
    await h.pipeline.applyRules(
      RuleSet.compile([rule('unrelated', { topic: 'other/#', action: 'drop' })]),
    );
    expect(h.findings.list()[0].count).toBe(2);
    // Previews and impact look at values without recording anything.
    h.pipeline.preview(TOPIC(1), { host: 'carol@example.com' }, RuleSet.EMPTY);
    await h.pipeline.impact(RuleSet.EMPTY);
    await h.pipeline.applyRules(
      RuleSet.compile([rule('hash-emails', { match: { detector: 'email' } })]),
    );
    h.set(1, { host: 'alice@example.com', seq: 2 });
    expect(h.latest('a', TOPIC(1))).not.toContain('alice@example.com');
    const email = h.findings.list().filter((f) => f.detector === 'email');
    expect(email.map((f) => f.count)).toEqual([2, 2]);
  });
});

describe('data subjects through the rules watcher', () => {
  let dir: string;
  let store: SqliteRulesStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'subjects-'));
    store = SqliteRulesStore.open(join(dir, 'rules.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redacts retained values on registration, clears drop subjects, restores on deletion', async () => {
    const h = harness(3);
    h.set(1, { host: 'Alice@Example.com', title: 'Budget' });
    h.set(2, { host: 'bob@example.org' });
    h.set(3, { host: 'carol@example.com' });
    const watcher = new RulesWatcher(
      store,
      (rules, subjects) => h.pipeline.applyPrivacy(rules, subjects),
      h.logger,
      60_000,
    );
    await watcher.start();
    try {
      const key = await store.subjectKey();
      const digest = (s: string) => subjectDigest(key, normalizeSubject(s));
      const alice = await store.createSubject({
        digest: digest('alice@example.com'),
        action: 'replace',
      });
      await store.createSubject({ digest: digest('bob@example.org'), action: 'drop' });
      await watcher.reload();
      for (const broker of ['a', 'b']) {
        expect(h.latest(broker, TOPIC(1))).toBe(
          '{"time":1000,"value":{"host":"[redacted]","title":"Budget"}}',
        );
        expect(h.latest(broker, TOPIC(2))).toBeNull();
        expect(h.latest(broker, TOPIC(3))).toContain('carol@example.com');
      }
      // Later values likewise.
      h.set(1, { host: 'alice@example.com', title: 'Moved' }, 2000);
      expect(h.latest('a', TOPIC(1))).toBe(
        '{"time":2000,"value":{"host":"[redacted]","title":"Moved"}}',
      );
      await store.deleteSubject(alice.id);
      await watcher.reload();
      expect(h.latest('b', TOPIC(1))).toBe(
        '{"time":2000,"value":{"host":"alice@example.com","title":"Moved"}}',
      );
    } finally {
      watcher.stop();
    }
  });
});

describe('BridgePipeline.impact', () => {
  it('leaves the metadata clock alone, so a model change it saw first is still published', async () => {
    const h = harness(1);
    h.stage(portfolio(1))();
    h.set(1, { host: 'alice@example.com' });
    h.set(1, 'A/V + #1', 1000, 'next/slot');
    const handleRename = h.stage(portfolio(1, 'Renamed room'));
    const [a, b] = await h.pipeline.impact(RuleSet.compile([rule('drop-all', { action: 'drop' })]));
    // Three metadata topics (org, system, driver) and two state topics.
    expect(a).toMatchObject({ broker: 'a', dropped: 5, changed: 0, unchanged: 0 });
    expect(b.samples.map((s) => s.after)).toEqual([null, null, null, null, null]);
    // Topics as published: each key encoded after its slot's levels.
    expect(b.samples.map((s) => s.topic).filter((t) => t.includes('/state/'))).toEqual([
      TOPIC(1),
      TOPIC(1).replace(/current$/, 'next%2Fslot'),
    ]);
    h.sent.length = 0;
    handleRename();
    const metadata = h.sent.filter((s) => s.topic === 'placeos/org-1/metadata/sys-1');
    expect(metadata.map((s) => s.broker)).toEqual(['a', 'b']);
    expect(metadata[0].payload).toContain('Renamed room');
  });
});
