import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';

/**
 * The bridge end to end (simulator → bridge → real broker) on a topology built for the hard
 * cases: a module name with `/`, a zone carrying two hierarchy tags, two zones with the same
 * tag, same-named modules, a module in two systems, and a system without an org zone.
 */
describe('bridge: topics and payloads', () => {
  let h: BridgeHarness;
  let org: string;
  let bld: string;
  let lvl: string;
  let wing: string;
  let otherBld: string;
  let sys: string;
  let lobby: string;
  let orphan: string;
  let driver: string;
  let av: string;
  let display1: string;
  let display2: string;
  let orphanModule: string;

  const base = () => `placeos/${org}/state/${bld}/${lvl}/${wing}`;

  beforeAll(async () => {
    h = await startHarness();
    const w = h.sim.world;
    org = w.addZone({ name: 'Acme', tags: ['org'] });
    bld = w.addZone({ name: 'HQ', tags: ['building'] });
    otherBld = w.addZone({ name: 'Annex', tags: ['building'] });
    lvl = w.addZone({ name: 'Level 3', tags: ['level'] });
    // One zone, two hierarchy tags: it fills `area`; its `building` tag loses to `bld`, first.
    wing = w.addZone({ name: 'East wing', tags: ['area', 'building'] });
    driver = w.listDrivers()[0].id;
    sys = w.addSystem({ name: 'Boardroom', zones: [org, lvl, bld, wing, otherBld] });
    av = w.addModule(sys, { driverId: driver, customName: 'A/V Switch' });
    display1 = w.addModule(sys, { driverId: driver, customName: 'Display' });
    display2 = w.addModule(sys, { driverId: driver, customName: 'Display' });
    lobby = w.addSystem({ name: 'Lobby', zones: [org, bld], modules: [display1] });
    orphan = w.addSystem({ name: 'No org', zones: [bld, lvl] });
    orphanModule = w.addModule(orphan, { driverId: driver, customName: 'Orphan' });
    w.setState(av, 'power', true);
    w.setState(display1, 'input', 'hdmi');
    w.setState(display2, 'input', 'vga');
    w.setState(orphanModule, 'power', true);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('publishes each state at its exact topic with the exact payload bytes', async () => {
    const rec = h.recorders[0];
    const avTopic = `${base()}/${sys}/${driver}/A%2FV Switch/1/power`;
    const d1 = `${base()}/${sys}/${driver}/Display/1/input`;
    const d2 = `${base()}/${sys}/${driver}/Display/2/input`;
    // The shared module also appears in the lobby, which has no level or area zone.
    const lobbyTopic = `placeos/${org}/state/${bld}/_/_/${lobby}/${driver}/Display/1/input`;
    await rec.waitFor(
      () => [avTopic, d1, d2, lobbyTopic].every((t) => rec.latest.has(t)),
      20_000,
      'the boardroom and lobby topics',
    );
    expect(parsePayload(rec.latest.get(avTopic)!).value).toBe(true);
    expect(parsePayload(rec.latest.get(d1)!).value).toBe('hdmi');
    expect(parsePayload(rec.latest.get(d2)!).value).toBe('vga');
    expect(parsePayload(rec.latest.get(lobbyTopic)!).value).toBe('hdmi');
    const message = rec.messages.find((m) => m.topic === avTopic)!;
    expect(message.payload.toString()).toMatch(/^\{"time":\d{13},"value":true\}$/);
    expect(message.qos).toBe(1);
  });

  it('never publishes a system without an org zone', async () => {
    await h.recorders[0].waitFor(() => h.recorders[0].topics().length > 0);
    expect(h.recorders[0].topics().filter((t) => t.includes(orphan))).toEqual([]);
  });

  it('publishes retained metadata for the org, hierarchy zones, systems and drivers', async () => {
    const rec = h.recorders[0];
    const meta = (id: string) => `placeos/${org}/metadata/${id}`;
    await rec.waitFor(
      () => [org, bld, lvl, wing, sys, lobby, driver].every((id) => rec.latest.has(meta(id))),
      20_000,
      'metadata topics',
    );
    const system = parsePayload(rec.latest.get(meta(sys))!).value as {
      name: string;
      zones: string[];
    };
    expect(system.name).toBe('Boardroom');
    expect(system.zones).toContain(wing);
    expect((parsePayload(rec.latest.get(meta(lvl))!).value as { name: string }).name).toBe(
      'Level 3',
    );
    expect(rec.latest.has(meta(orphan))).toBe(false);
  });

  it('publishes a deleted key as null', async () => {
    const rec = h.recorders[0];
    const topic = `${base()}/${sys}/${driver}/Display/2/input`;
    h.sim.world.deleteState(display2, 'input');
    await rec.waitFor(
      () => rec.latest.has(topic) && parsePayload(rec.latest.get(topic)!).value === null,
      20_000,
      'null at the deleted key',
    );
  });

  it('moves topics on a rename: the old retained topic is cleared, the new one holds the value', async () => {
    const rec = h.recorders[0];
    const oldTopic = `${base()}/${sys}/${driver}/A%2FV Switch/1/power`;
    const newTopic = `${base()}/${sys}/${driver}/Matrix%23 1/1/power`;
    await rec.waitFor(() => rec.latest.has(oldTopic));
    h.sim.world.renameModule(av, 'Matrix# 1');
    await rec.waitFor(
      () => !rec.latest.has(oldTopic) && rec.latest.has(newTopic),
      20_000,
      'the rename to move the topic',
    );
    expect(parsePayload(rec.latest.get(newTopic)!).value).toBe(true);
    const clear = rec.messages.find((m) => m.topic === oldTopic && m.payload.length === 0);
    expect(clear).toBeDefined();
  });

  it('re-numbers same-named modules on a re-order, clearing the topic of a key the slot no longer has', async () => {
    const rec = h.recorders[0];
    h.sim.world.setState(display2, 'input', 'usb-c');
    // A key only the first display has: after the swap, slot 1 no longer has it.
    h.sim.world.setState(display1, 'volume', 40);
    const second = `${base()}/${sys}/${driver}/Display/2/input`;
    const first = `${base()}/${sys}/${driver}/Display/1/input`;
    const volume1 = `${base()}/${sys}/${driver}/Display/1/volume`;
    const volume2 = `${base()}/${sys}/${driver}/Display/2/volume`;
    const valueAt = (topic: string) =>
      parsePayload(rec.latest.get(topic) ?? Buffer.from('{"time":0,"value":0}')).value;
    await rec.waitFor(
      () => valueAt(second) === 'usb-c' && valueAt(volume1) === 40,
      20_000,
      'the new values (the volume key found by the re-poll)',
    );
    const order = h.sim.world.system(sys)!.modules as string[];
    h.sim.world.reorderModules(sys, [...order].reverse());
    await rec.waitFor(
      () =>
        valueAt(first) === 'usb-c' &&
        valueAt(second) === 'hdmi' &&
        valueAt(volume2) === 40 &&
        !rec.latest.has(volume1),
      20_000,
      'the re-order to swap the displays, with the volume only at slot 2',
    );
    // The topic stopped existing: cleared by a zero-length retained message, not set to null.
    const last = rec.messages.filter((m) => m.topic === volume1).at(-1);
    expect(last?.payload.length).toBe(0);
  });
});
