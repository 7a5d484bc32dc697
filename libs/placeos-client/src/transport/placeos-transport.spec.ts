import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Module,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, type MicroserviceOptions, Payload } from '@nestjs/microservices';
import { type Simulator, startSimulator } from '@app/placeos-sim';
import { type Observable, tap } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaceOsClient } from '../client/placeos-client';
import type { StateChange } from '../model/state-change';
import type { TopologyUpdate } from '../model/topology-change';
import {
  capturingLogger,
  changeKey,
  expectedState,
  simClientOptions,
  waitFor,
} from '@test/support/placeos-client-kit';
import { PlaceOsContext } from './placeos-context';
import { PLACEOS_STATE_EVENT, PLACEOS_TOPOLOGY_EVENT, PlaceOsTransport } from './placeos-transport';

/** What the Nest side saw, shared with the test (no DI needed). */
const seen = {
  intercepted: 0,
  interceptedAfter: 0,
  /** Handler calls (state events); each carries a batch of changes. */
  events: 0,
  largestBatch: 0,
  batchWithRepeatedKey: false,
  handled: [] as StateChange[],
  topology: [] as TopologyUpdate[],
  inFlightPerKey: new Map<string, number>(),
  overlapPerKey: 0,
  patterns: new Set<string>(),
  failOnKey: '',
  slowKey: '',
};

class CountingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    expect(context.getType()).toBe('rpc');
    const changes = context.switchToRpc().getData<StateChange[]>();
    expect(changes.length).toBeGreaterThan(0);
    expect(changes[0].systemId).toBeTypeOf('string');
    seen.intercepted++;
    return next.handle().pipe(tap(() => seen.interceptedAfter++));
  }
}

@Controller()
class StateController {
  // `<string>` picks the untyped overload, so the handler may take a typed context.
  @EventPattern<string>(PLACEOS_STATE_EVENT)
  @UseInterceptors(CountingInterceptor)
  async onState(@Payload() changes: StateChange[], @Ctx() ctx: PlaceOsContext): Promise<number> {
    seen.patterns.add(ctx.getPattern());
    seen.events++;
    seen.largestBatch = Math.max(seen.largestBatch, changes.length);
    const keys = changes.map(changeKey);
    if (new Set(keys).size !== keys.length) seen.batchWithRepeatedKey = true;
    for (const key of keys) {
      const busy = seen.inFlightPerKey.get(key) ?? 0;
      if (busy > 0) seen.overlapPerKey++;
      seen.inFlightPerKey.set(key, busy + 1);
    }
    // Slow handlers: values pile up behind the workers and must coalesce, in order.
    await new Promise((resolve) => setTimeout(resolve, keys.includes(seen.slowKey) ? 5 : 0));
    for (const key of keys) seen.inFlightPerKey.set(key, (seen.inFlightPerKey.get(key) ?? 1) - 1);
    seen.handled.push(...changes);
    if (keys.includes(seen.failOnKey)) throw new Error('handler failure');
    return changes.length;
  }

  @EventPattern(PLACEOS_TOPOLOGY_EVENT)
  onTopology(@Payload() update: TopologyUpdate): void {
    seen.topology.push(update);
  }
}

@Module({ controllers: [StateController] })
class TestAppModule {}

describe('PlaceOsTransport in a Nest microservice', () => {
  let sim: Simulator;
  let app: Awaited<ReturnType<typeof NestFactory.createMicroservice>>;
  let client: PlaceOsClient;
  let logLines: Record<string, unknown>[];

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 31,
      portfolio: { buildingsPerRegion: 1, levelsPerBuilding: 2, roomsPerLevel: 2 },
    });
    const { logger, lines } = capturingLogger('warn');
    logLines = lines;
    client = new PlaceOsClient(simClientOptions(sim, logger));
    app = await NestFactory.createMicroservice<MicroserviceOptions>(TestAppModule, {
      strategy: new PlaceOsTransport(client, { concurrency: 4, batchSize: 64, logger }),
      logger: false,
    });
    await app.listen();
  });

  afterAll(async () => {
    await app.close();
    await sim.close();
  });

  it('dispatches every state change through the interceptor and the handler', async () => {
    expect(await client.whenSynced(20_000)).toBe(true);
    const expected = expectedState(sim);
    await waitFor(() => seen.handled.length >= expected.size, 'every initial change handled');
    expect(seen.topology[0].current.systems.size).toBe(sim.world.stats().systems);
    expect(seen.intercepted).toBe(seen.events);
    expect(seen.interceptedAfter).toBe(seen.events);
    // The initial flood arrives in batches, none larger than the bound, no key twice in one.
    expect(seen.events).toBeLessThan(seen.handled.length);
    expect(seen.largestBatch).toBeGreaterThan(1);
    expect(seen.largestBatch).toBeLessThanOrEqual(64);
    expect(seen.batchWithRepeatedKey).toBe(false);
    expect(seen.patterns).toEqual(new Set([PLACEOS_STATE_EVENT]));
    expect(new Set(seen.handled.map(changeKey))).toEqual(new Set(expected.keys()));
  });

  it('keeps per-key order under load, coalescing, and survives a failing handler', async () => {
    await client.whenSynced(20_000);
    const entries = [...expectedState(sim).entries()];
    const [counterKey, target] = entries[0];
    const [failKey, failTarget] = entries[1];
    seen.slowKey = counterKey;
    seen.failOnKey = failKey;
    const handledBefore = seen.handled.length;
    sim.world.setState(failTarget.moduleId, failKey.split('|')[3], 'boom');
    for (let i = 1; i <= 200; i++) sim.world.setState(target.moduleId, counterKey.split('|')[3], i);
    await waitFor(
      () => seen.handled.filter((c) => changeKey(c) === counterKey).at(-1)?.json === '200',
      'the last counter value',
    );
    const values = seen.handled
      .slice(handledBefore)
      .filter((c) => changeKey(c) === counterKey)
      .map((c) => Number(c.json));
    expect(values.every((v, i) => i === 0 || v > values[i - 1])).toBe(true);
    expect(values.length).toBeLessThanOrEqual(200);
    expect(seen.overlapPerKey).toBe(0);
    expect(seen.handled.some((c) => changeKey(c) === failKey && c.json === '"boom"')).toBe(true);
    const failure = await waitFor(
      () => logLines.find((l) => l.msg === 'PlaceOS event handler failed; event dropped'),
      'the handler failure to be logged',
      5_000,
    ).catch(() => JSON.stringify(logLines));
    // Nest's exception filter has already replaced the error with its generic RPC error.
    expect(failure).toMatchObject({ pattern: PLACEOS_STATE_EVENT, err: 'Internal server error' });
    expect(seen.intercepted).toBe(seen.events);
  });
});
