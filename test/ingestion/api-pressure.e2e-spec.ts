import {
  DEFAULT_MAX_BINDINGS_PER_SOCKET,
  PlaceOsClient,
  type StateChange,
} from '@app/placeos-client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatorProcess } from '../support/simulator-process';

interface Pressure {
  sockets: Array<{ maxPendingNotifies: number; bindings: number }>;
  maxPendingNotifies: number;
}

/** Where PlaceOS' rest-api crashed: ~32,000 notifies pending at once (README, "Ingestion"). */
const PRESSURE_BOUND = 5_000;

/**
 * The control-socket pressure PlaceOS feels from the client at 100,000 keys: the simulator (its
 * own process) counts, per socket, notifies written but not yet flushed. The client must keep
 * every socket far below where rest-api ran out of memory maps, through the first sync and a
 * burst of 24,000 changes.
 */
describe('API ingestion at 100,000 keys never piles notifies up on a socket', () => {
  let sim: SimulatorProcess;
  let client: PlaceOsClient;
  const latest = new Map<string, StateChange>();
  const abort = new AbortController();
  let drained: Promise<void>;

  beforeAll(async () => {
    sim = await SimulatorProcess.start({
      SIM_SEED: '2026',
      SIM_BUILDINGS: '10',
      SIM_LEVELS: '10',
      SIM_ROOMS: '10',
    });
    client = new PlaceOsClient({
      url: sim.url,
      apiKey: sim.apiKey,
      zones: [],
      shard: { index: 0, count: 1 },
      topologyPollMs: 600_000,
      keyPollMs: 600_000,
      requestTimeoutMs: 10_000,
      logger: pino({ level: 'warn' }),
    });
    drained = (async () => {
      for (;;) {
        const batch = await client.changes.takeBatch(1000, abort.signal);
        if (!batch) return;
        batch.values.forEach((change, i) => latest.set(batch.keys[i], change));
        batch.done();
      }
    })();
    await client.start();
  }, 60_000);

  afterAll(async () => {
    abort.abort();
    await client?.stop();
    await drained;
    await sim?.stop();
  });

  it('spreads the bindings over sockets and keeps pending notifies bounded through the sync', async () => {
    const started = Date.now();
    expect(await client.whenSynced(60_000)).toBe(true);
    const syncMs = Date.now() - started;
    const status = client.status();
    expect(status.boundKeys).toBeGreaterThanOrEqual(100_000);
    // A slot's keys share a socket, so a socket may close a little below the maximum.
    const fewest = Math.ceil(status.boundKeys / DEFAULT_MAX_BINDINGS_PER_SOCKET);
    expect(status.sockets.length).toBeGreaterThanOrEqual(fewest);
    expect(status.sockets.length).toBeLessThanOrEqual(fewest + 2);
    expect(Math.max(...status.sockets)).toBeLessThanOrEqual(DEFAULT_MAX_BINDINGS_PER_SOCKET);
    const pressure = await sim.control<Pressure>('GET', 'pressure');
    expect(pressure.sockets.map((s) => s.bindings)).toEqual(status.sockets);
    console.info(
      `first sync: ${status.boundKeys} keys on ${status.sockets.length} sockets in ${syncMs} ms, ` +
        `max pending notifies on one socket ${pressure.maxPendingNotifies}`,
    );
    expect(pressure.maxPendingNotifies).toBeGreaterThan(0);
    expect(pressure.maxPendingNotifies).toBeLessThan(PRESSURE_BOUND);
  }, 90_000);

  it('keeps them bounded through a burst of 24,000 changes over 12,000 keys, and gets every last value', async () => {
    await sim.control('POST', 'pressure/reset');
    const burst = await sim.control<{ changes: number; keys: number; finalValue: string }>(
      'POST',
      'burst',
      { keys: 12_000, changesPerKey: 2 },
    );
    expect(burst.changes).toBe(24_000);
    const deadline = Date.now() + 30_000;
    // A module listed by two systems reports under both slots: count each module key once.
    const last = () =>
      new Set(
        [...latest.values()]
          .filter((c) => c.json === JSON.stringify(burst.finalValue))
          .map((c) => `${c.moduleId}|${c.key}`),
      ).size;
    while (last() < burst.keys && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(last()).toBe(burst.keys);
    const pressure = await sim.control<Pressure>('GET', 'pressure');
    console.info(`burst: max pending notifies on one socket ${pressure.maxPendingNotifies}`);
    expect(pressure.maxPendingNotifies).toBeLessThan(PRESSURE_BOUND);
  }, 60_000);
});
