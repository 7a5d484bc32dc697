import type { JsonObject } from '@app/json';
import { diffTopology, Topology, type TopologyUpdate } from '@app/placeos-client';
import { BridgeMetrics, createLogger } from '@app/observability';
import { type PrivacyRule, RuleSet } from '@app/privacy';
import { TopicMapper } from '@app/topics';
import { describe, expect, it, vi } from 'vitest';
import { BridgePipeline } from './bridge-pipeline';
import type { BrokerTarget } from './broker-target';
import { DeliveryLedger } from './delivery-ledger';
import { DeliveryPlanner } from './delivery-planner';
import { type DeliveryConnection, DeliverySink } from './delivery-sink';
import { StateStore } from './state-store';

const raw = (id: string, extra: JsonObject = {}): JsonObject => ({ id, ...extra });

/** org-1 > bld-1; sys-1 holds two displays and a panel; sys-2 (no org) holds the panel too. */
function topology(
  options: {
    order?: string[];
    names?: Record<string, string>;
    zones?: string[];
    /** Modules saved in PlaceOS since (a new `updated_at`). */
    saved?: string[];
    drivers?: Record<string, string>;
  } = {},
) {
  const zones = new Map([
    [
      'org-1',
      { id: 'org-1', name: 'Org', tags: ['org'], updatedAt: 1, raw: raw('org-1', { name: 'Org' }) },
    ],
    [
      'bld-1',
      {
        id: 'bld-1',
        name: 'HQ',
        tags: ['building'],
        updatedAt: 1,
        raw: raw('bld-1', { name: 'HQ' }),
      },
    ],
    ['bld-2', { id: 'bld-2', name: 'Annex', tags: ['building'], updatedAt: 1, raw: raw('bld-2') }],
  ]);
  const modules = new Map(
    ['mod-a', 'mod-b', 'mod-p'].map((id) => {
      const name = options.names?.[id] ?? (id === 'mod-p' ? 'Panel' : 'Display');
      const driverId = options.drivers?.[id] ?? 'drv-1';
      const updatedAt = options.saved?.includes(id) ? 2 : 1;
      return [id, { id, name, driverId, updatedAt }] as const;
    }),
  );
  const systems = new Map([
    [
      'sys-1',
      {
        id: 'sys-1',
        name: 'Room',
        zones: options.zones ?? ['org-1', 'bld-1'],
        modules: options.order ?? ['mod-a', 'mod-b', 'mod-p'],
        version: 1,
        updatedAt: 1,
        raw: raw('sys-1', { email: 'room@example.com' }),
      },
    ],
    [
      'sys-2',
      {
        id: 'sys-2',
        name: 'Loose',
        zones: ['bld-1'],
        modules: ['mod-p'],
        version: 1,
        updatedAt: 1,
        raw: raw('sys-2'),
      },
    ],
  ]);
  const drivers = new Map([
    ['drv-1', { id: 'drv-1', name: 'Generic', updatedAt: 1, raw: raw('drv-1') }],
    ['drv-2', { id: 'drv-2', name: 'Other', updatedAt: 1, raw: raw('drv-2') }],
  ]);
  return new Topology(systems, zones, modules, drivers);
}

interface Sent {
  broker: string;
  topic: string;
  payload: string | null;
}

/** A DeliveryConnection that records what the sink hands it (the sink's decisions under test). */
function recordingConnection(id: string, sent: Sent[]): DeliveryConnection {
  return {
    id,
    publish: (topic, payload) => {
      sent.push({ broker: id, topic, payload: payload.toString() });
      return 'queued';
    },
    clear: (topic) => {
      sent.push({ broker: id, topic, payload: null });
      return 'queued';
    },
  };
}

function harness(initial = topology(), ownsMetadata?: (topic: string) => boolean) {
  let current = initial;
  const sent: Sent[] = [];
  const targets: BrokerTarget[] = [
    { id: 'a', secret: 'secret-a', rewrite: {} },
    { id: 'b', secret: 'secret-b', rewrite: { topicPrefix: 'tenant/' } },
  ];
  const connections = new Map(targets.map((t) => [t.id, recordingConnection(t.id, sent)]));
  const metrics = new BridgeMetrics({ defaultMetrics: false });
  const logger = createLogger({ level: 'silent' });
  const ledger = new DeliveryLedger();
  const hierarchy = ['org', 'building'];
  const pipeline = new BridgePipeline({
    mapper: new TopicMapper({ hierarchy }),
    store: new StateStore(),
    ledger,
    planner: new DeliveryPlanner(targets, { hierarchy, timeUnit: 'ms' }),
    sink: new DeliverySink(connections, ledger, metrics, logger),
    metrics,
    logger,
    topology: () => current,
    ownsMetadata,
    now: () => 5000,
  });
  const run = (batch: ReturnType<BridgePipeline['onStateChanges']>) =>
    pipeline.deliver(pipeline.plan(batch));
  const move = (next: Topology) => {
    const update: TopologyUpdate = {
      previous: current,
      current: next,
      changes: diffTopology(current, next),
    };
    current = next;
    run(pipeline.onTopologyUpdate(update));
  };
  return { pipeline, sent, run, move, metrics };
}

const change = (
  moduleName: string,
  index: number,
  key: string,
  value: JsonObject[string],
  resync = false,
) => ({
  systemId: 'sys-1',
  moduleName,
  index,
  key,
  json: JSON.stringify(value),
  receivedAt: 1000,
  resync,
});

const rule = (overrides: Partial<PrivacyRule>): PrivacyRule => ({
  id: 'r1',
  name: 'r1',
  enabled: true,
  priority: 100,
  topic: '#',
  brokers: ['*'],
  action: 'hash',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const T = 'placeos/org-1/state/bld-1/sys-1/drv-1';

describe('BridgePipeline', () => {
  it('publishes the value text as PlaceOS sent it: big numbers and decimals survive', () => {
    const { run, pipeline, sent } = harness();
    const sentText = '{"id":12345678901234567891,"n":-9007199254740993,"price":2.50,"e":1e3}';
    run(pipeline.onStateChanges([{ ...change('Display', 1, 'reading', null), json: sentText }]));
    expect(sent.map((s) => s.payload)).toEqual([
      `{"time":1000,"value":${sentText}}`,
      `{"time":1000,"value":${sentText}}`,
    ]);
  });

  it('a rule that rewrites a value keeps every number it does not touch as sent', () => {
    const { run, pipeline, sent } = harness();
    pipeline.planner.setRules(RuleSet.compile([rule({ match: { detector: 'email' } })]));
    const sentText = '{"booking":12345678901234567891,"host":"ada@example.com","cost":1.10}';
    run(pipeline.onStateChanges([{ ...change('Display', 1, 'booking', null), json: sentText }]));
    expect(sent[0].payload).toMatch(
      /^\{"time":1000,"value":\{"booking":12345678901234567891,"host":"[0-9a-f]{64}","cost":1\.10\}\}$/,
    );
  });

  it('maps a batch of changes in order, each key at its own topic', () => {
    const { run, pipeline, sent } = harness();
    run(
      pipeline.onStateChanges([
        change('Display', 1, 'power', true),
        change('Display', 2, 'power', false),
        change('Panel', 1, 'level', 3),
      ]),
    );
    expect(sent.filter((s) => s.broker === 'a')).toEqual([
      { broker: 'a', topic: `${T}/Display/1/power`, payload: '{"time":1000,"value":true}' },
      { broker: 'a', topic: `${T}/Display/2/power`, payload: '{"time":1000,"value":false}' },
      { broker: 'a', topic: `${T}/Panel/1/level`, payload: '{"time":1000,"value":3}' },
    ]);
  });

  it('publishes a change at its slot topic on every broker, with the broker prefix', () => {
    const { run, pipeline, sent } = harness();
    run(pipeline.onStateChanges([change('Display', 2, 'power', true)]));
    expect(sent).toEqual([
      { broker: 'a', topic: `${T}/Display/2/power`, payload: '{"time":1000,"value":true}' },
      { broker: 'b', topic: `tenant/${T}/Display/2/power`, payload: '{"time":1000,"value":true}' },
    ]);
  });

  it('does not publish a system without an org, and counts it', async () => {
    const { run, pipeline, sent, metrics } = harness();
    run(pipeline.onStateChanges([{ ...change('Panel', 1, 'power', true), systemId: 'sys-2' }]));
    expect(sent).toEqual([]);
    expect(await metrics.render()).toContain('placeos_bridge_unmapped_total{reason="no_org"} 1');
  });

  it('skips an unchanged resync but publishes an unchanged live change', () => {
    const { run, pipeline, sent } = harness();
    run(pipeline.onStateChanges([change('Display', 1, 'input', 'hdmi')]));
    sent.length = 0;
    run(
      pipeline.onStateChanges([
        { ...change('Display', 1, 'input', 'hdmi', true), receivedAt: 2000 },
      ]),
    );
    expect(sent).toEqual([]);
    run(pipeline.onStateChanges([{ ...change('Display', 1, 'input', 'hdmi'), receivedAt: 3000 }]));
    expect(sent.map((s) => s.payload)).toEqual([
      '{"time":3000,"value":"hdmi"}',
      '{"time":3000,"value":"hdmi"}',
    ]);
  });

  it('on a rename clears the old topics and forgets the slot until PlaceOS re-sends it', () => {
    const { run, pipeline, sent, move } = harness();
    run(pipeline.onStateChanges([change('Display', 2, 'power', true)]));
    sent.length = 0;
    move(topology({ names: { 'mod-b': 'Projector' } }));
    const state = sent.filter((s) => s.topic.includes('/state/'));
    expect(state).toEqual([
      { broker: 'a', topic: `${T}/Display/2/power`, payload: null },
      { broker: 'b', topic: `tenant/${T}/Display/2/power`, payload: null },
    ]);
    sent.length = 0;
    run(pipeline.onStateChanges([change('Projector', 1, 'power', true, true)]));
    expect(sent.map((s) => s.topic)).toEqual([
      `${T}/Projector/1/power`,
      `tenant/${T}/Projector/1/power`,
    ]);
  });

  it('on a re-zone moves every stored value to the new topics', () => {
    const { run, pipeline, sent, move } = harness();
    run(pipeline.onStateChanges([change('Display', 1, 'power', false)]));
    sent.length = 0;
    move(topology({ zones: ['org-1', 'bld-2'] }));
    const onA = sent.filter((s) => s.broker === 'a' && s.topic.includes('/state/'));
    expect(onA).toEqual([
      { broker: 'a', topic: `${T}/Display/1/power`, payload: null },
      {
        broker: 'a',
        topic: 'placeos/org-1/state/bld-2/sys-1/drv-1/Display/1/power',
        payload: '{"time":1000,"value":false}',
      },
    ]);
  });

  it('moves nothing when a module was saved with the same name and driver', () => {
    const { run, pipeline, sent, move } = harness();
    run(pipeline.onStateChanges([change('Display', 1, 'power', true)]));
    sent.length = 0;
    move(topology({ saved: ['mod-a'] }));
    expect(sent).toEqual([]);
    // The slot still maps under the new topology: a later change publishes as before.
    run(pipeline.onStateChanges([change('Display', 1, 'power', false)]));
    expect(sent.map((s) => s.topic)).toEqual([
      `${T}/Display/1/power`,
      `tenant/${T}/Display/1/power`,
    ]);
  });

  it('moves the topics of a module whose driver changed, and publishes the new driver', () => {
    const { run, pipeline, sent, move } = harness();
    run(pipeline.onStateChanges([change('Display', 1, 'power', true)]));
    sent.length = 0;
    move(topology({ drivers: { 'mod-a': 'drv-2' } }));
    const onA = sent.filter((s) => s.broker === 'a').map((s) => [s.topic, s.payload]);
    expect(onA).toContainEqual([`${T}/Display/1/power`, null]);
    expect(onA).toContainEqual([
      'placeos/org-1/state/bld-1/sys-1/drv-2/Display/1/power',
      '{"time":1000,"value":true}',
    ]);
    expect(onA.map(([topic]) => topic)).toContain('placeos/org-1/metadata/drv-2');
  });

  it('publishes metadata on first sight and clears it when the model goes away', () => {
    const { sent, move } = harness(Topology.empty());
    move(topology());
    const meta = sent
      .filter((s) => s.broker === 'a')
      .map((s) => s.topic)
      .sort();
    expect(meta).toEqual([
      'placeos/org-1/metadata/bld-1',
      'placeos/org-1/metadata/drv-1',
      'placeos/org-1/metadata/org-1',
      'placeos/org-1/metadata/sys-1',
    ]);
    sent.length = 0;
    move(topology({ zones: ['org-1'] }));
    expect(sent.filter((s) => s.broker === 'a')).toContainEqual({
      broker: 'a',
      topic: 'placeos/org-1/metadata/bld-1',
      payload: null,
    });
  });

  it('replicas split metadata by topic: together they publish what one does, each topic once', () => {
    const owner = (topic: string) => topic.endsWith('/org-1') || topic.endsWith('/sys-1');
    const single = harness(Topology.empty());
    const mine = harness(Topology.empty(), owner);
    const theirs = harness(Topology.empty(), (topic) => !owner(topic));
    for (const h of [single, mine, theirs]) h.move(topology());
    const topics = (h: typeof single) => h.sent.map((s) => `${s.broker} ${s.topic}`).sort();
    expect(topics(mine)).toEqual([
      'a placeos/org-1/metadata/org-1',
      'a placeos/org-1/metadata/sys-1',
      'b tenant/placeos/org-1/metadata/org-1',
      'b tenant/placeos/org-1/metadata/sys-1',
    ]);
    expect([...topics(mine), ...topics(theirs)].sort()).toEqual(topics(single));
    // Only the owner clears a model that no system uses any more; the others stay silent.
    for (const h of [mine, theirs]) h.sent.length = 0;
    for (const h of [mine, theirs]) h.move(topology({ zones: ['org-1'] }));
    expect(mine.sent).toEqual([]);
    expect(theirs.sent.filter((s) => s.broker === 'a')).toEqual([
      { broker: 'a', topic: 'placeos/org-1/metadata/bld-1', payload: null },
    ]);
  });

  it("stamps metadata with the model's updated_at, so an unchanged model republishes the same bytes", () => {
    const stamped = new Topology(
      new Map([
        [
          'sys-1',
          {
            id: 'sys-1',
            name: 'Room',
            zones: ['org-1'],
            modules: [],
            version: 1,
            updatedAt: 1,
            raw: raw('sys-1', { updated_at: 1_700_000_123 }),
          },
        ],
      ]),
      new Map([
        ['org-1', { id: 'org-1', name: 'Org', tags: ['org'], updatedAt: 1, raw: raw('org-1') }],
      ]),
      new Map(),
      new Map(),
    );
    const { sent, move } = harness(Topology.empty());
    move(stamped);
    expect(sent.find((s) => s.topic === 'placeos/org-1/metadata/sys-1')?.payload).toBe(
      '{"time":1700000123000,"value":{"id":"sys-1","updated_at":1700000123}}',
    );
    // Without updated_at: when the bridge first saw the model (the harness clock says 5000).
    expect(sent.find((s) => s.topic === 'placeos/org-1/metadata/org-1')?.payload).toBe(
      '{"time":5000,"value":{"id":"org-1"}}',
    );
  });

  it('new rules re-publish only what they change, per broker secret, and a drop clears', async () => {
    const { run, pipeline, sent } = harness();
    run(pipeline.onStateChanges([change('Display', 1, 'host', { email: 'alice@example.com' })]));
    run(pipeline.onStateChanges([change('Display', 1, 'power', true)]));
    sent.length = 0;
    await pipeline.applyRules(RuleSet.compile([rule({ match: { detector: 'email' } })]));
    // The system's metadata carries an e-mail address too: it is hashed on its way out.
    const systemMeta = sent.find((s) => s.broker === 'a' && s.topic.endsWith('/metadata/sys-1'));
    expect(systemMeta?.payload).toMatch(/"email":"[0-9a-f]{64}"/);
    const hosts = sent.filter((s) => s.topic.endsWith('/host'));
    expect(sent.filter((s) => s.topic.endsWith('/power'))).toEqual([]);
    expect(hosts).toHaveLength(2);
    expect(hosts[0].payload).not.toBe(hosts[1].payload);
    expect(hosts[0].payload).toMatch(/^\{"time":1000,"value":\{"email":"[0-9a-f]{64}"\}\}$/);
    sent.length = 0;
    await pipeline.applyRules(
      RuleSet.compile([
        rule({ action: 'drop', brokers: ['b'], topic: '+/+/state/+/+/+/+/+/host' }),
      ]),
    );
    expect(sent.filter((s) => s.topic.includes('/state/'))).toEqual([
      {
        broker: 'a',
        topic: `${T}/Display/1/host`,
        payload: '{"time":1000,"value":{"email":"alice@example.com"}}',
      },
      { broker: 'b', topic: `tenant/${T}/Display/1/host`, payload: null },
    ]);
  });

  it('after a broker reconnect re-publishes everything to that broker only', async () => {
    const { run, pipeline, sent } = harness();
    run(pipeline.onStateChanges([change('Display', 1, 'power', true)]));
    sent.length = 0;
    const planned = await pipeline.republish({ brokers: ['b'], forget: true });
    // One state topic and the metadata of the org, building, system and driver.
    expect(planned).toBe(5);
    expect(sent.every((s) => s.broker === 'b')).toBe(true);
    expect(sent.filter((s) => s.topic.includes('/state/'))).toEqual([
      { broker: 'b', topic: `tenant/${T}/Display/1/power`, payload: '{"time":1000,"value":true}' },
    ]);
  });

  it("re-publishes at the brokers' pace, and goes on without a broker that went offline", async () => {
    const metrics = new BridgeMetrics({ defaultMetrics: false });
    const logger = createLogger({ level: 'silent' });
    const ledger = new DeliveryLedger();
    const hierarchy = ['org', 'building'];
    const targets: BrokerTarget[] = ['a', 'b'].map((id) => ({ id, secret: id, rewrite: {} }));
    /** A connection whose queue only drains when the test says. */
    const queueing = (id: string) => {
      let listeners: Array<{ threshold: number; listener: () => void }> = [];
      const connection = {
        id,
        online: true,
        backlog: 0,
        published: 0,
        publish: () => {
          connection.backlog++;
          connection.published++;
          return 'queued' as const;
        },
        clear: () => 'queued' as const,
        whenBacklogAtMost(threshold: number, listener: () => void) {
          const entry = { threshold, listener };
          listeners.push(entry);
          return () => (listeners = listeners.filter((e) => e !== entry));
        },
        drain() {
          connection.backlog = 0;
          const due = listeners;
          listeners = [];
          for (const { listener } of due) listener();
        },
      };
      return connection;
    };
    const a = queueing('a');
    const b = queueing('b');
    const pipeline = new BridgePipeline({
      mapper: new TopicMapper({ hierarchy }),
      store: new StateStore(),
      ledger,
      planner: new DeliveryPlanner(targets, { hierarchy, timeUnit: 'ms' }),
      sink: new DeliverySink(
        new Map([
          ['a', a],
          ['b', b],
        ]),
        ledger,
        metrics,
        logger,
      ),
      metrics,
      logger,
      topology: () => topology(),
    });
    pipeline.onStateChanges(
      Array.from({ length: 30_000 }, (_, i) => change('Display', 1, `key${i}`, i)),
    );
    const done = pipeline.republish({ forget: true, resync: true });
    // Each broker takes up to the backlog mark plus a chunk, then the re-publication waits.
    await vi.waitFor(() => expect(a.published).toBeGreaterThan(10_000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.published).toBeLessThan(14_000);
    expect(b.published).toBe(a.published);
    b.online = false;
    a.drain();
    await vi.waitFor(() => expect(a.published).toBeGreaterThan(20_000));
    const bSent = b.published;
    a.drain();
    a.drain();
    while (a.published < 30_004) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      a.drain();
    }
    // 30,000 state topics and the 4 metadata topics reached `a`; `b` was left once offline.
    expect(await done).toBe(30_004);
    expect(a.published).toBe(30_004);
    expect(b.published).toBe(bSent);
    expect(bSent).toBeLessThan(16_000);
  });

  it('previews per broker under unsaved rules without publishing', () => {
    const { pipeline, sent } = harness();
    const preview = pipeline.preview(
      `${T}/Display/1/host`,
      { email: 'bob@example.org' },
      RuleSet.compile([
        rule({
          action: 'mask',
          match: { detector: 'email' },
          mask: { char: '*', keepStart: 1, keepEnd: 0, keepDomain: true },
        }),
      ]),
    );
    expect(sent).toEqual([]);
    expect(preview.map((p) => [p.broker, p.topic, p.dropped])).toEqual([
      ['a', `${T}/Display/1/host`, false],
      ['b', `tenant/${T}/Display/1/host`, false],
    ]);
    expect(JSON.parse(preview[0].payload!).value).toEqual({ email: 'b**@example.org' });
    expect(preview[0].applied).toEqual([{ id: 'r1', name: 'r1', action: 'mask' }]);
  });
});
