import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBridgeConfig } from '@app/config';
import type { BrokerStatus } from '@app/mqtt-publisher';
import { createLogger } from '@app/observability';
import { type Simulator, type SimulatorOptions, startSimulator } from '@app/placeos-sim';
import {
  MqttRecorder,
  startTestBroker,
  startTestRedis,
  type TestBroker,
  type TestBrokerOptions,
  type TestRedis,
} from '@app/testing';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { type RunningBridge, startBridge } from '../../apps/bridge/src/bridge';

export interface BridgeHarness {
  sim: Simulator;
  brokers: TestBroker[];
  bridge: RunningBridge;
  /** One subscriber per broker, on `placeos/#` (and the prefix, if any). */
  recorders: MqttRecorder[];
  adminToken: string;
  secrets: string[];
  /** The bridge's data directory: `rules.db` (and its -wal/-shm files) unless RULES_DB is set. */
  dataDir: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  sim?: SimulatorOptions;
  /** Number of brokers; more than one goes through BROKERS_FILE with distinct secrets. */
  brokers?: number;
  /** How to start broker i (TLS and WebSocket listeners, mosquitto settings). */
  brokerOptions?: (index: number) => TestBrokerOptions;
  /**
   * BROKERS_FILE entries to use instead of the default ones (for any broker count), e.g. with
   * TLS files, a profile or `connections`; `secrets[i]` is broker i's HMAC secret.
   */
  brokerEntries?: (brokers: TestBroker[], secrets: string[]) => Record<string, unknown>[];
  /** Runs once the brokers are up, before the bridge starts (e.g. to watch them from the start). */
  beforeBridge?: (brokers: TestBroker[]) => Promise<void>;
  env?: Record<string, string>;
  /** Where the bridge's log lines go (e.g. to capture them); default stdout. */
  logDestination?: DestinationStream;
  /** Where state comes from; default TEST_PLACEOS_SOURCE, else the API (control sockets). */
  source?: 'api' | 'redis';
}

/** The whole bridge in this process against the simulator and real brokers on free ports. */
export async function startHarness(options: HarnessOptions = {}): Promise<BridgeHarness> {
  // TEST_PLACEOS_SOURCE=redis (the `redis` Vitest project) runs the same behaviour tests with
  // state from PlaceOS' Redis instead of control-socket bindings.
  let redis: TestRedis | undefined;
  if ((options.source ?? process.env.TEST_PLACEOS_SOURCE) === 'redis') {
    redis = await startTestRedis();
    if (!redis) throw new Error('TEST_PLACEOS_SOURCE=redis needs redis-server');
  }
  const sim = await startSimulator({ seed: 7, ...options.sim, redisUrl: redis?.url });
  const count = options.brokers ?? 1;
  const brokers: TestBroker[] = [];
  for (let i = 0; i < count; i++) brokers.push(await startTestBroker(options.brokerOptions?.(i)));
  const dir = mkdtempSync(join(tmpdir(), 'bridge-e2e-'));
  const adminToken = randomBytes(24).toString('hex');
  const secrets = brokers.map(() => randomBytes(16).toString('hex'));
  const env: Record<string, string> = {
    PLACEOS_URL: sim.url,
    PLACEOS_API_KEY: sim.apiKey,
    ADMIN_TOKEN: adminToken,
    HTTP_PORT: '0',
    RULES_DB: `sqlite:${join(dir, 'rules.db')}`,
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
    INSTANCE_ID: `e2e-${randomBytes(3).toString('hex')}`,
    PLACEOS_TOPOLOGY_POLL_MS: '1000',
    PLACEOS_KEY_POLL_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '3000',
  };
  if (count === 1 && !options.brokerEntries) {
    env.MQTT_URL = brokers[0].url;
    env.MQTT_SECRET = secrets[0];
  } else {
    const file = join(dir, 'brokers.yaml');
    const entries =
      options.brokerEntries?.(brokers, secrets) ??
      brokers.map((b, i) => ({ id: `b${i}`, url: b.url, secret: secrets[i] }));
    writeFileSync(file, JSON.stringify({ brokers: entries }));
    env.BROKERS_FILE = file;
  }
  if (redis) env.PLACEOS_REDIS_URL = redis.url;
  Object.assign(env, options.env);
  const config = loadBridgeConfig(env);
  await options.beforeBridge?.(brokers);
  const bridge = await startBridge(config, {
    logger: createLogger({ level: config.logLevel }, options.logDestination),
    host: '127.0.0.1',
  });
  const recorders = await Promise.all(brokers.map((b) => MqttRecorder.connect(b.url, '#')));
  return {
    sim,
    brokers,
    bridge,
    recorders,
    adminToken,
    secrets,
    dataDir: dir,
    close: async () => {
      await Promise.all(recorders.map((r) => r.close()));
      await bridge.close();
      await Promise.all(brokers.map((b) => b.stop()));
      await sim.close();
      await redis?.close();
    },
  };
}

/** GET /api/v1/brokers, by id. */
export async function brokerStatus(h: BridgeHarness): Promise<Map<string, BrokerStatus>> {
  const res = await request(h.bridge.app.getHttpServer())
    .get('/api/v1/brokers')
    .set('authorization', `Bearer ${h.adminToken}`)
    .expect(200);
  const items = (res.body as { items: BrokerStatus[] }).items;
  return new Map(items.map((item) => [item.id, item]));
}

/** Parses a state payload, asserting its exact byte shape first. */
export function parsePayload(payload: Buffer): { time: number; value: unknown } {
  const text = payload.toString('utf8');
  if (!/^\{"time":\d+,"value":/.test(text)) throw new Error(`not a bridge payload: ${text}`);
  return JSON.parse(text) as { time: number; value: unknown };
}

/** Polls `probe` until it returns something truthy; rejects after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
