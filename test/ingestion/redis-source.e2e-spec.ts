import { findRedisServer } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';

/**
 * In-cluster mode (PLACEOS_REDIS_URL): state comes from PlaceOS' Redis as drivers write it, so
 * no control socket is opened, a new status key and a deletion are published at once (no key
 * poll), a status key containing `/` survives whole, and core's `lookup-change` makes the
 * bridge read the topology at once instead of at the next poll. Polls are set to 10 minutes
 * here, so anything that arrives came through Redis.
 */
describe.skipIf(!findRedisServer())('bridge: state from PlaceOS Redis', () => {
  let h: BridgeHarness;
  let org: string;
  let sys: string;
  let driver: string;
  let panel: string;
  let display: string;
  const topicOf = (module: string, index: number, key: string) =>
    `placeos/${org}/state/_/_/_/${sys}/${driver}/${module}/${index}/${key}`;
  const valueAt = (topic: string) => {
    const payload = h.recorders[0].latest.get(topic);
    return payload === undefined ? undefined : parsePayload(payload).value;
  };

  beforeAll(async () => {
    h = await startHarness({
      source: 'redis',
      env: { PLACEOS_TOPOLOGY_POLL_MS: '600000', PLACEOS_KEY_POLL_MS: '600000' },
    });
    const w = h.sim.world;
    org = w.addZone({ name: 'Org', tags: ['org'] });
    driver = w.listDrivers()[0].id;
    sys = w.addSystem({ name: 'Room', zones: [org] });
    panel = w.addModule(sys, { driverId: driver, customName: 'Panel' });
    display = w.addModule(sys, { driverId: driver, customName: 'Display' });
    w.setState(panel, 'power', true);
    w.setState(display, 'input', 'hdmi');
    // The bridge started before these models existed: the topology poll is 10 minutes away, so
    // only lookup-change can tell it about them.
    await h.recorders[0].waitFor(
      () => valueAt(topicOf('Display', 1, 'input')) === 'hdmi',
      15_000,
      'the new system through lookup-change',
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('binds nothing on the control socket', () => {
    expect(h.sim.world.stats()).toMatchObject({ sockets: 0, bindings: 0 });
  });

  it('publishes a new status key and a deletion at once, without a key poll', async () => {
    const rec = h.recorders[0];
    h.sim.world.setState(panel, 'brand_new', { level: 1.5 });
    await rec.waitFor(
      () => JSON.stringify(valueAt(topicOf('Panel', 1, 'brand_new'))) === '{"level":1.5}',
      5_000,
      'the new key',
    );
    h.sim.world.deleteState(panel, 'brand_new');
    await rec.waitFor(
      () =>
        rec.latest.has(topicOf('Panel', 1, 'brand_new')) &&
        valueAt(topicOf('Panel', 1, 'brand_new')) === null,
      5_000,
      'the deletion as null',
    );
  });

  it('counts the bound keys as keys come and go (readiness and metrics read it)', async () => {
    const boundKeys = async (): Promise<number> => {
      const res = await fetch(`${h.bridge.url}/health/ready`);
      return ((await res.json()) as { details: { placeos: { boundKeys: number } } }).details.placeos
        .boundKeys;
    };
    const rec = h.recorders[0];
    const before = await boundKeys();
    h.sim.world.setState(display, 'counted', 1);
    await rec.waitFor(() => valueAt(topicOf('Display', 1, 'counted')) === 1, 5_000, 'new key');
    expect(await boundKeys()).toBe(before + 1);
    h.sim.world.setState(display, 'counted', 2);
    await rec.waitFor(() => valueAt(topicOf('Display', 1, 'counted')) === 2, 5_000, 'new value');
    expect(await boundKeys()).toBe(before + 1);
    h.sim.world.deleteState(display, 'counted');
    await rec.waitFor(() => valueAt(topicOf('Display', 1, 'counted')) === null, 5_000, 'deletion');
    expect(await boundKeys()).toBe(before);
  });

  it('keeps a status key that contains a slash whole', async () => {
    h.sim.world.setState(panel, 'zone/temperature', 21.5);
    await h.recorders[0].waitFor(
      () => valueAt(topicOf('Panel', 1, 'zone%2Ftemperature')) === 21.5,
      5_000,
      'the key with a slash, percent-encoded as one level',
    );
  });

  it('moves topics on a rename announced by lookup-change, long before the topology poll', async () => {
    const rec = h.recorders[0];
    h.sim.world.renameModule(display, 'Screen');
    await rec.waitFor(
      () =>
        valueAt(topicOf('Screen', 1, 'input')) === 'hdmi' &&
        !rec.latest.has(topicOf('Display', 1, 'input')),
      5_000,
      'the rename',
    );
  });
});
