import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '@app/placeos-sim';
import { MqttRecorder, startTestBroker, TcpProxy, type TestBroker } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeProcess } from '../support/bridge-process';
import { SMALL_PORTFOLIO, stateTopicCount } from '../support/sim-fixtures';

const TOKEN = 'shutdown-admin-token-0123456789';

/**
 * SIGTERM on the built bridge process while its broker is stalled (the TCP connection is up,
 * nothing is acknowledged): readiness must say 503 while the bridge waits to flush, the queued
 * value must reach the broker once it answers again, then `offline`, then exit 0.
 */
describe('graceful shutdown on a real SIGTERM', () => {
  let sim: Simulator;
  let broker: TestBroker;
  let proxy: TcpProxy;
  let recorder: MqttRecorder;
  let bridge: BridgeProcess;

  beforeAll(async () => {
    sim = await startSimulator({ ...SMALL_PORTFOLIO, seed: 5 });
    broker = await startTestBroker();
    proxy = await TcpProxy.start(broker.port);
    recorder = await MqttRecorder.connect(broker.url, 'placeos/#');
    bridge = await BridgeProcess.start({
      PLACEOS_URL: sim.url,
      PLACEOS_API_KEY: sim.apiKey,
      MQTT_URL: proxy.url,
      ADMIN_TOKEN: TOKEN,
      RULES_DB: `sqlite:${join(mkdtempSync(join(tmpdir(), 'shutdown-')), 'rules.db')}`,
      INSTANCE_ID: 'draining',
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    await bridge.waitReady();
  }, 60_000);

  afterAll(async () => {
    await bridge?.kill();
    await recorder?.close();
    await proxy?.stop();
    await broker?.stop();
    await sim?.close();
  });

  it('turns readiness 503, flushes what the broker has not acknowledged, publishes offline, exits 0', async () => {
    const system = sim.world.listSystems().find((s) => s.modules.length > 0)!;
    const moduleId = system.modules[0];
    // An existing key: a new one would wait for the key poll.
    const key = [...sim.world.stateHash(moduleId)!.keys()][0];
    const LAST_WORDS = 'sent before SIGTERM';
    // The system may have several modules with this key: the topic that carries the new value.
    const topicOf = () =>
      recorder
        .topics()
        .find(
          (t) =>
            t.includes(`/${system.id}/`) &&
            t.endsWith(`/${key}`) &&
            (recorder.json(t) as { value: unknown }).value === LAST_WORDS,
        );
    const keys = stateTopicCount(sim);
    await recorder.waitFor(
      () =>
        recorder.latest.get('placeos/_bridge/draining/status')?.toString() === 'online' &&
        recorder.topics().filter((t) => t.includes('/state/')).length === keys,
      15_000,
      'birth message and the first sync on the broker',
    );
    const queued = async () => {
      const brokers = await bridge.request('GET', '/api/v1/brokers', TOKEN);
      const [status] = (brokers.body as { items: Array<{ queued: number; inFlight: number }> })
        .items;
      return status.queued + status.inFlight;
    };
    const waitQueued = async (want: (n: number) => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      while (!want(await queued())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await waitQueued((n) => n === 0, 'the sync to be acknowledged');

    proxy.stall();
    sim.world.setState(moduleId, key, LAST_WORDS);
    // The change is in the bridge, waiting for the stalled broker.
    await waitQueued((n) => n > 0, 'the change to queue for the stalled broker');

    const exit = bridge.terminate();
    let readiness = await bridge.readiness();
    while (readiness.status === 200) readiness = await bridge.readiness();
    expect(readiness.status).toBe(503);
    expect(JSON.stringify(readiness.body)).toContain('shutting down');
    expect(topicOf()).toBeUndefined();

    proxy.resume();
    expect(await exit).toEqual({ code: 0, signal: null });
    await recorder.waitFor(
      () => recorder.latest.get('placeos/_bridge/draining/status')?.toString() === 'offline',
      10_000,
      'offline after the flush',
    );
    expect(topicOf()).toBeDefined();
    // The value reached the broker before `offline` did.
    const order = recorder.messages.map((m) => m.topic);
    expect(order.indexOf(topicOf()!)).toBeLessThan(
      order.lastIndexOf('placeos/_bridge/draining/status'),
    );
    expect(bridge.logged('broker flushed')).toHaveLength(1);
  });
});
