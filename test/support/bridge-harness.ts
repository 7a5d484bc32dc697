import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBridgeConfig } from '@app/config';
import { createLogger } from '@app/observability';
import { type Simulator, type SimulatorOptions, startSimulator } from '@app/placeos-sim';
import { MqttRecorder, startTestBroker, type TestBroker } from '@app/testing';
import { type RunningBridge, startBridge } from '../../apps/bridge/src/bridge';

export interface BridgeHarness {
  sim: Simulator;
  brokers: TestBroker[];
  bridge: RunningBridge;
  /** One subscriber per broker, on `placeos/#` (and the prefix, if any). */
  recorders: MqttRecorder[];
  adminToken: string;
  secrets: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  sim?: SimulatorOptions;
  /** Number of brokers; more than one goes through BROKERS_FILE with distinct secrets. */
  brokers?: number;
  env?: Record<string, string>;
}

/** The whole bridge in this process against the simulator and real brokers on free ports. */
export async function startHarness(options: HarnessOptions = {}): Promise<BridgeHarness> {
  const sim = await startSimulator({ seed: 7, ...options.sim });
  const count = options.brokers ?? 1;
  const brokers: TestBroker[] = [];
  for (let i = 0; i < count; i++) brokers.push(await startTestBroker());
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
  if (count === 1) {
    env.MQTT_URL = brokers[0].url;
    env.MQTT_SECRET = secrets[0];
  } else {
    const file = join(dir, 'brokers.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        brokers: brokers.map((b, i) => ({ id: `b${i}`, url: b.url, secret: secrets[i] })),
      }),
    );
    env.BROKERS_FILE = file;
  }
  Object.assign(env, options.env);
  const config = loadBridgeConfig(env);
  const bridge = await startBridge(config, {
    logger: createLogger({ level: config.logLevel }),
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
    close: async () => {
      await Promise.all(recorders.map((r) => r.close()));
      await bridge.close();
      await Promise.all(brokers.map((b) => b.stop()));
      await sim.close();
    },
  };
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
