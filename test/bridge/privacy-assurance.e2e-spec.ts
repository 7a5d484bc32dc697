import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BridgeHarness,
  eventually,
  parsePayload,
  startHarness,
} from '../support/bridge-harness';

const hmac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('hex');

interface Finding {
  broker: string;
  detector: string;
  topicFilter: string;
  count: number;
}

/**
 * Privacy assurance against the simulator and real brokers: the leak canary, data subjects
 * (opt-out and erasure) and the impact of a rule set before it is saved.
 */
describe('bridge: privacy assurance', () => {
  let h: BridgeHarness;
  const logLines: string[] = [];
  let org: string;
  let driver: string;
  /** Per name: the room (system) and its module. */
  const modules: Record<string, string> = {};
  const rooms: Record<string, string> = {};

  const api = () => request(h.bridge.app.getHttpServer());
  const auth = () => ({ authorization: `Bearer ${h.adminToken}` });
  const topicOf = (i: number, name: string, key = 'visitor') =>
    h.recorders[i].topics().find((t) => t.includes(`/${rooms[name]}/`) && t.endsWith(`/1/${key}`));
  const textOn = (i: number, module: string, key = 'visitor') => {
    const topic = topicOf(i, module, key);
    const payload = topic ? h.recorders[i].latest.get(topic) : undefined;
    return payload?.toString('utf8');
  };
  /** What a broker received on bridge topics, leaving out the test's own markers. */
  const bridgeMessages = (r: BridgeHarness['recorders'][number]) =>
    r.messages.filter(
      (m) =>
        m.topic.startsWith('placeos/') &&
        !m.topic.startsWith('placeos/_bridge/') &&
        !m.topic.endsWith('/marker'),
    );
  const findings = async (): Promise<Finding[]> =>
    (await api().get('/api/v1/findings').set(auth()).expect(200)).body.items as Finding[];
  /** Every retained payload on broker `i` (or on all brokers), lowercased. */
  const retainedText = (i?: number) =>
    (i === undefined ? h.recorders : [h.recorders[i]])
      .flatMap((r) => [...r.latest.values()].map((p) => p.toString('utf8')))
      .join('\n')
      .toLowerCase();
  /** The SQLite rules database as stored: main file, WAL and shared memory. */
  const databaseText = () =>
    readdirSync(h.dataDir)
      .filter((name) => name.startsWith('rules.db'))
      .map((name) => readFileSync(join(h.dataDir, name)).toString('latin1'))
      .join('\n')
      .toLowerCase();

  beforeAll(async () => {
    h = await startHarness({
      brokers: 2,
      env: { LOG_LEVEL: 'debug' },
      logDestination: { write: (line: string) => void logLines.push(line) },
    });
    const w = h.sim.world;
    org = w.addZone({ name: 'Assurance Org', tags: ['org'] });
    driver = w.listDrivers()[0].id;
    // Guestbook2 is a second room with a Guestbook: the same kind of leak, in another place.
    for (const name of ['Guestbook', 'Guestbook2', 'Visitors', 'Badges']) {
      rooms[name] = w.addSystem({ name: `${name} room`, zones: [org] });
      const customName = name.replace(/[0-9]$/, '');
      modules[name] = w.addModule(rooms[name], { driverId: driver, customName });
    }
  });

  afterAll(async () => {
    await h?.close();
  });

  it('records an unprotected e-mail as a finding per broker, and stops counting once a hash rule covers it', async () => {
    const filter = `placeos/${org}/state/+/+/+/+/${driver}/Guestbook/+/visitor`;
    const ours = (list: Finding[], broker: string) =>
      list.find((f) => f.broker === broker && f.detector === 'email' && f.topicFilter === filter);
    h.sim.world.setState(modules.Guestbook, 'visitor', { email: 'erin.leak@example.com' });
    h.sim.world.setState(modules.Guestbook2, 'visitor', { email: 'olga.leak@example.com' });
    const leaked = await eventually(async () => {
      const list = await findings();
      return ours(list, 'b0')?.count === 2 && ours(list, 'b1')?.count === 2 ? list : undefined;
    }, 'two leaks filed under one finding on each broker');
    expect(JSON.stringify(leaked)).not.toContain('leak@example.com');
    const metrics = await api().get('/metrics').expect(200);
    const counted =
      /placeos_bridge_unprotected_values_total\{broker="b0",detector="email"\} (\d+)/.exec(
        metrics.text,
      );
    expect(Number(counted?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics.text).not.toContain('leak@example.com');
    const warnings = logLines.filter((line) => line.includes(filter));
    // One warning per new finding (one per broker), never with the value.
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('no privacy rule covers it');

    await api()
      .post('/api/v1/rules')
      .set(auth())
      .send({
        name: 'hash-guestbook-emails',
        topic: 'placeos/+/state/+/+/+/+/+/Guestbook/#',
        match: { detector: 'email' },
        action: 'hash',
      })
      .expect(201);
    h.sim.world.setState(modules.Guestbook, 'visitor', { email: 'frank.leak@example.com' });
    const hashed = hmac(h.secrets[0], 'frank.leak@example.com');
    await h.recorders[0].waitFor(
      () => textOn(0, 'Guestbook')?.includes(hashed),
      10_000,
      'the next e-mail hashed on broker 0',
    );
    const after = await findings();
    expect(ours(after, 'b0')?.count).toBe(2);
    expect(ours(after, 'b1')?.count).toBe(2);
    expect(logLines.join('\n')).not.toContain('leak@example.com');
  });

  it('redacts a subject given in another letter case from every retained topic within 10 s, clears drop subjects, and restores both on deletion', async () => {
    const w = h.sim.world;
    w.setState(modules.Visitors, 'visitor', {
      who: 'Grace.Subject@Example.com',
      note: 'contact grace.subject@example.com today',
    });
    w.setState(modules.Visitors, 'host', 'grace.subject@example.com');
    w.setState(modules.Badges, 'visitor', { holder: 'heidi.drop@example.org', badge: 7 });
    for (const [i, r] of h.recorders.entries()) {
      await r.waitFor(
        () => textOn(i, 'Visitors', 'host') && textOn(i, 'Badges')?.includes('heidi'),
        20_000,
        `plain values on broker ${i}`,
      );
    }

    const started = Date.now();
    const grace = await api()
      .post('/api/v1/subjects')
      .set(auth())
      .send({ subject: 'GRACE.subject@EXAMPLE.com', action: 'replace' })
      .expect(201);
    const heidi = await api()
      .post('/api/v1/subjects')
      .set(auth())
      .send({ subject: 'heidi.drop@example.org', action: 'drop' })
      .expect(201);
    expect(JSON.stringify([grace.body, heidi.body]).toLowerCase()).not.toMatch(/grace|heidi/);
    for (const [i, r] of h.recorders.entries()) {
      await r.waitFor(
        () =>
          !retainedText(i).includes('grace.subject') &&
          !retainedText(i).includes('heidi.drop') &&
          topicOf(i, 'Badges') === undefined,
        Math.max(0, 10_000 - (Date.now() - started)),
        `no retained value with a subject on broker ${i}`,
      );
    }
    expect(parsePayload(h.recorders[1].latest.get(topicOf(1, 'Visitors')!)!).value).toEqual({
      who: '[redacted]',
      note: 'contact [redacted] today',
    });
    // Later values likewise.
    w.setState(modules.Visitors, 'host', 'GRACE.SUBJECT@example.com');
    w.setState(modules.Visitors, 'marker', 'after the subject');
    await h.recorders[0].waitFor(() => textOn(0, 'Visitors', 'marker'), 10_000, 'the marker');
    expect(retainedText()).not.toContain('grace.subject');

    expect(databaseText()).not.toMatch(/grace\.subject|heidi\.drop/);
    expect(logLines.join('\n').toLowerCase()).not.toMatch(/grace\.subject|heidi\.drop/);

    await api().delete(`/api/v1/subjects/${grace.body.id}`).set(auth()).expect(204);
    await api().delete(`/api/v1/subjects/${heidi.body.id}`).set(auth()).expect(204);
    for (const [i, r] of h.recorders.entries()) {
      await r.waitFor(
        () =>
          textOn(i, 'Visitors')?.includes('Grace.Subject@Example.com') &&
          textOn(i, 'Visitors', 'host')?.includes('GRACE.SUBJECT@example.com') &&
          textOn(i, 'Badges')?.includes('heidi.drop@example.org'),
        10_000,
        `current values restored on broker ${i}`,
      );
    }
    expect(databaseText()).not.toMatch(/grace\.subject|heidi\.drop/);
  });

  it('counts per broker exactly what saving the rule set then publishes', async () => {
    const current = (await api().get('/api/v1/rules').set(auth()).expect(200)).body.items;
    const proposed = [
      ...current.map((r: Record<string, unknown>) => ({
        name: r.name,
        topic: r.topic,
        match: r.match,
        action: r.action,
      })),
      { name: 'mask-emails', match: { detector: 'email' }, action: 'mask', priority: 500 },
      { name: 'drop-badges', topic: 'placeos/+/state/+/+/+/+/+/Badges/#', action: 'drop' },
    ];
    for (const r of h.recorders) r.clear();
    const impact = await api()
      .post('/api/v1/rules/impact')
      .set(auth())
      .send({ rules: proposed })
      .expect(200);
    const brokers = impact.body.brokers as {
      broker: string;
      changed: number;
      dropped: number;
      unchanged: number;
      samples: { topic: string; before: string | null; after: string | null }[];
    }[];
    expect(brokers.map((b) => b.broker)).toEqual(['b0', 'b1']);
    for (const b of brokers) {
      expect(b.changed).toBeGreaterThan(0);
      expect(b.dropped).toBeGreaterThan(0);
      expect(b.samples.length).toBeGreaterThan(0);
      expect(b.samples.length).toBeLessThanOrEqual(5);
    }
    // Nothing was published by asking: a later state change is the first thing brokers get.
    h.sim.world.setState(modules.Guestbook, 'marker', 'asked');
    for (const [i, r] of h.recorders.entries()) {
      await r.waitFor(() => textOn(i, 'Guestbook', 'marker'), 10_000, `the marker on broker ${i}`);
      expect(bridgeMessages(r)).toEqual([]);
      r.clear();
    }

    await api().put('/api/v1/rules').set(auth()).send(proposed).expect(200);
    await h.bridge.reloadRules();
    // A later state change is the marker: everything the rule change sent arrives before it.
    h.sim.world.setState(modules.Guestbook, 'marker', 'saved');
    for (const [i, r] of h.recorders.entries()) {
      await r.waitFor(
        () => textOn(i, 'Guestbook', 'marker')?.includes('saved'),
        10_000,
        `the marker on broker ${i}`,
      );
      const sent = bridgeMessages(r);
      expect(sent.filter((m) => m.payload.length > 0)).toHaveLength(brokers[i].changed);
      expect(sent.filter((m) => m.payload.length === 0)).toHaveLength(brokers[i].dropped);
      for (const sample of brokers[i].samples) {
        const got = r.latest.get(sample.topic)?.toString('utf8') ?? null;
        expect(got).toBe(sample.after);
      }
    }
  });
});
