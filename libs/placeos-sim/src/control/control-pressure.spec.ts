import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Simulator, startSimulator } from '../simulator';
import { ControlProbe, eventually } from '../test-support/control-probe';
import type { SimPressure } from '../world/world-listener';

interface Binding {
  sys: string;
  mod: string;
  index: number;
  name: string;
  moduleId: string;
}

/** Notifies of this size fill the kernel's socket buffers after a few thousand frames. */
const VALUE = 'x'.repeat(8 * 1024);

describe('simulator control socket pressure', () => {
  let sim: Simulator;
  let probe: ControlProbe | undefined;
  let bindings: Binding[];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 41, pongIntervalMs: 60_000 });
    bindings = [];
    for (const sys of sim.world.listSystems()) {
      for (const [slot, moduleId] of sim.world.moduleLookup(sys.id)!) {
        const [mod, index] = [slot.slice(0, slot.lastIndexOf('/')), slot.split('/').pop()!];
        for (const name of sim.world.stateHash(moduleId)!.keys())
          bindings.push({ sys: sys.id, mod, index: Number(index), name, moduleId });
      }
      if (bindings.length >= 200) break;
    }
    bindings = bindings.slice(0, 200);
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(async () => {
    await probe?.close();
    await eventually(() => sim.world.stats().sockets === 0, 5000, 'socket cleanup');
  });

  /** Connects and binds every key of `bindings`, waiting for all the successes. */
  const connectAndBind = async (): Promise<ControlProbe> => {
    probe = await ControlProbe.connect(sim.url, { headers: { 'X-API-Key': sim.apiKey } });
    bindings.forEach((b, i) =>
      probe!.send({ id: i + 1, cmd: 'bind', sys: b.sys, mod: b.mod, index: b.index, name: b.name }),
    );
    await probe.flush(1_000_000);
    sim.world.resetPressure();
    return probe;
  };

  /** One change to every bound key: one notify each. */
  const changeAll = (round: number): void => {
    for (const b of bindings) sim.world.setState(b.moduleId, b.name, `${VALUE}${round}`);
  };

  const pressure = async (path = 'pressure', method = 'GET'): Promise<SimPressure> => {
    const res = await fetch(`${sim.url}/_sim/${path}`, { method });
    expect(res.status).toBe(200);
    return (await res.json()) as SimPressure;
  };

  it('stays small for a client that reads promptly', async () => {
    const p = await connectAndBind();
    for (let round = 0; round < 10; round++) {
      const before = p.frames.length;
      changeAll(round);
      await eventually(() => p.frames.length === before + bindings.length, 10_000, 'the round');
    }
    const seen = await pressure();
    expect(seen.sockets).toHaveLength(1);
    expect(seen.sockets[0].bindings).toBe(bindings.length);
    // At most one round is ever queued: each round is written in one go, then read.
    expect(seen.sockets[0].maxPendingNotifies).toBeGreaterThan(0);
    expect(seen.sockets[0].maxPendingNotifies).toBeLessThanOrEqual(bindings.length);
    expect(seen.maxPendingNotifies).toBe(seen.sockets[0].maxPendingNotifies);
    expect(seen.sockets[0].pendingNotifies).toBe(0);
  });

  it('grows for a client that binds many keys and does not read, and drains when it reads', async () => {
    const p = await connectAndBind();
    const tcp = (p.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const rounds = 25;
    for (let round = 0; round < rounds; round++) {
      changeAll(round);
      // Let every write the kernel can take complete before the next round.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const stuck = await pressure();
    const socket = stuck.sockets[0];
    const sent = rounds * bindings.length;
    // 40 MB were sent; the kernel buffers take about 10 MB of it, the rest waits in user space.
    expect(socket.pendingNotifies).toBeGreaterThan(sent / 2);
    expect(socket.maxPendingNotifies).toBeGreaterThanOrEqual(socket.pendingNotifies);
    expect(socket.bufferedBytes).toBeGreaterThan(socket.pendingNotifies * VALUE.length);
    expect(stuck.maxPendingNotifies).toBe(socket.maxPendingNotifies);

    const before = p.frames.length;
    tcp.resume();
    await eventually(() => p.frames.length === before + sent, 30_000, 'the backlog');
    await eventually(
      () => sim.world.pressure().sockets[0].pendingNotifies === 0,
      5000,
      'the drain',
    );
    const reset = await pressure('pressure/reset', 'POST');
    expect(reset.sockets[0]).toMatchObject({
      pendingNotifies: 0,
      maxPendingNotifies: 0,
      bindings: bindings.length,
    });
    expect(reset.maxPendingNotifies).toBe(0);
  });
});
