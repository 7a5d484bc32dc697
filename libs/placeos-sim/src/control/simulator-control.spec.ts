import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Simulator, startSimulator } from '../simulator';
import { ControlProbe, eventually } from '../test-support/control-probe';

type Frame = Record<string, unknown>;

describe('simulator control WebSocket', () => {
  let sim: Simulator;
  let probe: ControlProbe;
  let sysId: string;
  let displayId: string;
  let displayDriver: string;
  let orgZone: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, pongIntervalMs: 60_000 });
    const sys = sim.world.systems()[0];
    sysId = sys.id as string;
    displayId = sim.world.resolveModule(sysId, 'Display', 1)!;
    displayDriver = sim.world.drivers().find((d) => d.module_name === 'Display')!.id as string;
    orgZone = sim.world.zones().find((z) => (z.tags as string[]).includes('org'))!.id as string;
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(async () => {
    await probe?.close();
  });

  const connect = async (base = sim): Promise<ControlProbe> => {
    probe = await ControlProbe.connect(base.url, { headers: { 'X-API-Key': base.apiKey } });
    return probe;
  };
  const bind = (id: number, sys: string, mod: string, name: string, index?: number): Frame => ({
    id,
    cmd: 'bind',
    sys,
    mod,
    name,
    ...(index === undefined ? {} : { index }),
  });
  const isFrame =
    (id: number, type: string) =>
    (f: string): boolean =>
      f.startsWith(`{"id":${id},"type":"${type}"`);

  it('answers a bind with success echoing meta, then notifies the raw current value', async () => {
    const p = await connect();
    sim.world.setState(displayId, 'input', 'hdmi');
    p.send(bind(1, sysId, 'Display', 'input'));
    const success = await p.waitFor(isFrame(1, 'success'));
    const notify = await p.waitFor(isFrame(1, 'notify'));
    expect(success).toBe(
      `{"id":1,"type":"success","meta":{"sys":"${sysId}","mod":"Display","index":1,"name":"input"}}`,
    );
    expect(notify).toBe(
      `{"id":1,"type":"notify","value":"hdmi","meta":{"sys":"${sysId}","mod":"Display","index":1,"name":"input"}}`,
    );
  });

  it('notifies later changes with the bind id, raw values verbatim, and null on delete', async () => {
    const p = await connect();
    p.send(bind(7, sysId, 'Display', 'layout'));
    await p.waitFor(isFrame(7, 'success'));
    sim.world.setRawState(displayId, 'layout', '{"a": 1,  "b":[true]}');
    expect(await p.next(isFrame(7, 'notify'))).toContain('"value":{"a": 1,  "b":[true]},"meta"');
    sim.world.setRawState(displayId, 'layout', 'not json');
    const broken = await p.next(isFrame(7, 'notify'));
    expect(broken).toContain('"value":not json,');
    expect(() => JSON.parse(broken) as unknown).toThrow();
    sim.world.deleteState(displayId, 'layout');
    const deleted = JSON.parse(await p.next(isFrame(7, 'notify'))) as Frame;
    expect(Object.keys(deleted)).toEqual(['id', 'type', 'value', 'meta']);
    expect(deleted.value).toBeNull();
  });

  it('silently drops malformed requests', async () => {
    const p = await connect();
    const base = bind(10, sysId, 'Display', 'power');
    p.send({ ...base, id: '10' });
    p.send({ ...base, extra: 1 });
    p.send({ ...base, cmd: 'subscribe' });
    p.send({ id: 10, cmd: 'bind', sys: sysId, mod: 'Display' });
    p.send({ id: 10, cmd: 'unbind', sys: sysId, name: 'power' });
    p.send('[1,2,3]');
    p.send('hello there');
    expect(await p.flush(999)).toEqual([]);
  });

  it('accepts commands case-insensitively and answers unbind/debug/ignore without meta', async () => {
    const p = await connect();
    p.send({ ...bind(20, sysId, 'Display', 'power'), cmd: 'BiNd' });
    await p.waitFor(isFrame(20, 'success'));
    p.send({ id: 21, cmd: 'unbind', sys: sysId, mod: 'Display', name: 'power' });
    p.send({ id: 22, cmd: 'debug', sys: sysId, mod: 'Display', name: 'power' });
    p.send({ id: 23, cmd: 'ignore', sys: sysId, mod: 'Display', name: 'power' });
    for (const id of [21, 22, 23])
      expect(await p.waitFor(isFrame(id, 'success'))).toBe(`{"id":${id},"type":"success"}`);
    // After unbind, changes are no longer delivered.
    sim.world.setState(displayId, 'power', true);
    expect((await p.flush(998)).filter(isFrame(20, 'notify'))).toEqual([]);
  });

  it('answers exec with a null value and code 200', async () => {
    const p = await connect();
    p.send({ id: 30, cmd: 'exec', sys: sysId, mod: 'Display', name: 'power_on', args: [] });
    expect(await p.waitFor(isFrame(30, 'success'))).toBe(
      `{"id":30,"type":"success","value":null,"meta":{"sys":"${sysId}","mod":"Display","index":1,"name":"power_on"},"code":200}`,
    );
    p.send({ id: 31, cmd: 'exec', sys: sysId, mod: 'Nothing', name: 'x' });
    expect(JSON.parse(await p.waitFor(isFrame(31, 'error')))).toMatchObject({
      error_code: 6,
      code: 500,
    });
  });

  it('re-binding the same key in a session succeeds without re-sending the value', async () => {
    const p = await connect();
    p.send(bind(40, sysId, 'Display', 'input'));
    await p.waitFor(isFrame(40, 'notify'));
    await p.waitFor(isFrame(40, 'success'));
    p.send(bind(41, sysId, 'Display', 'input'));
    expect(await p.flush(997)).toEqual([
      `{"id":41,"type":"success","meta":{"sys":"${sysId}","mod":"Display","index":1,"name":"input"}}`,
    ]);
  });

  it('sometimes sends the initial notify before the success', async () => {
    const p = await connect();
    const keys = Object.keys(sim.world.state(displayId)).slice(0, 20);
    keys.forEach((key, i) => p.send(bind(100 + i, sysId, 'Display', key)));
    await p.flush(996);
    const orders = keys.map((_k, i) => {
      const id = 100 + i;
      return p.frames.findIndex(isFrame(id, 'notify')) < p.frames.findIndex(isFrame(id, 'success'));
    });
    expect(orders).toContain(true);
    expect(orders).toContain(false);
  });

  it('answers success for an unknown module and delivers once addModule makes the slot resolve', async () => {
    const p = await connect();
    p.send(bind(50, sysId, 'Widget', 'power'));
    expect(await p.flush(995)).toEqual([
      `{"id":50,"type":"success","meta":{"sys":"${sysId}","mod":"Widget","index":1,"name":"power"}}`,
    ]);
    const widget = sim.world.addModule(sysId, { driverId: displayDriver, customName: 'Widget' });
    const notify = JSON.parse(await p.waitFor(isFrame(50, 'notify'))) as Frame;
    expect(notify.value).toBe(JSON.parse(sim.world.state(widget).power));
  });

  it('remaps bindings on rename and re-order, notifying the newly resolved value', async () => {
    const p = await connect();
    const room = sim.world.addSystem({ name: 'Remap room', zones: [orgZone] });
    const first = sim.world.addModule(room, { driverId: displayDriver });
    const second = sim.world.addModule(room, { driverId: displayDriver });
    sim.world.setState(first, 'label', 'first');
    sim.world.setState(second, 'label', 'second');
    p.send(bind(60, room, 'Display', 'label', 1));
    p.send(bind(61, room, 'Display', 'label', 2));
    p.send(bind(62, room, 'Projector', 'label'));
    await p.flush(994);
    const start = p.frames.length;
    sim.world.reorderModules(room, [second, first]);
    await p.waitFor((f) => p.frames.indexOf(f) >= start && isFrame(61, 'notify')(f));
    const after = p.frames.slice(start).map((f) => JSON.parse(f) as Frame);
    expect(after.find((f) => f.id === 60)?.value).toBe('second');
    expect(after.find((f) => f.id === 61)?.value).toBe('first');
    // Renaming Display_1 (now `second`) to Projector: Projector_1 resolves, Display_1 becomes `first`, Display_2 is gone.
    const mark = p.frames.length;
    sim.world.renameModule(second, 'Projector');
    await p.waitFor((f) => p.frames.indexOf(f) >= mark && isFrame(62, 'notify')(f));
    await p.flush(993);
    const renamed = p.frames
      .slice(mark)
      .flatMap((f) => (f.includes('"notify"') ? [JSON.parse(f) as Frame] : []));
    expect(renamed.find((f) => f.id === 62)?.value).toBe('second');
    expect(renamed.find((f) => f.id === 60)?.value).toBe('first');
    // Display_2 resolves to no module now: PlaceOS sends nothing for it (no null).
    expect(renamed.find((f) => f.id === 61)).toBeUndefined();
  });

  it('answers text ping with pong and ignores other non-JSON text', async () => {
    const p = await connect();
    p.send('ping');
    expect(await p.waitFor((f) => f === 'pong')).toBe('pong');
  });

  it('sends an unsolicited pong at the configured interval', async () => {
    const fast = await startSimulator({ pongIntervalMs: 100 });
    try {
      const p = await ControlProbe.connect(fast.url, { headers: { 'X-API-Key': fast.apiKey } });
      expect(await p.waitFor((f) => f === 'pong')).toBe('pong');
      await p.close();
    } finally {
      await fast.close();
    }
  });

  it('drops every binding of a session when it closes', async () => {
    const p = await connect();
    const before = sim.world.stats().bindings;
    p.send(bind(70, sysId, 'Display', 'power'));
    p.send(bind(71, sysId, 'Display', 'input'));
    await p.flush(992);
    expect(sim.world.stats().bindings).toBe(before + 2);
    await p.close();
    await eventually(
      () => sim.world.stats().bindings === before && sim.world.stats().sockets === 0,
      5000,
      'bindings dropped',
    );
    // A new session starts empty and gets fresh initial values.
    const again = await connect();
    again.send(bind(72, sysId, 'Display', 'power'));
    expect(await again.waitFor(isFrame(72, 'notify'))).toContain('"value":');
  });

  it('refuses protected modules to a plain user key but not to support', async () => {
    const userSim = await startSimulator({ apiKeyPermissions: 'user' });
    try {
      const p = await ControlProbe.connect(userSim.url, {
        headers: { 'X-API-Key': userSim.apiKey },
      });
      const room = userSim.world.systems()[0].id as string;
      p.send(bind(80, room, '_Secret', 'power'));
      const error = await p.waitFor(isFrame(80, 'error'));
      expect(error).toBe(
        '{"id":80,"type":"error","msg":"attempted to access protected module","error_code":2,"code":500}',
      );
      await p.close();
    } finally {
      await userSim.close();
    }
    const p = await connect();
    p.send(bind(81, sysId, '_Secret', 'power'));
    expect(await p.waitFor(isFrame(81, 'success'))).toContain('"mod":"_Secret"');
  });

  it('drops sockets and sends raw frames on request', async () => {
    const p = await connect();
    expect(sim.world.sendRawFrame('{"raw":true')).toBe(1);
    expect(await p.waitFor((f) => f === '{"raw":true')).toBe('{"raw":true');
    expect(sim.world.dropSockets()).toBe(1);
    await p.closed;
  });
});
