import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { loadBridgeConfig, type RulesDbConfig } from '@app/config';
import { createLogger } from '@app/observability';
import { type Simulator, startSimulator } from '@app/placeos-sim';
import { openRulesStore } from '@app/rules-store';
import { startTestBroker, type TestBroker } from '@app/testing';
import { type RunningBridge, startBridge } from './bridge';

export interface Demo {
  readonly simulator: Simulator;
  readonly broker: TestBroker;
  readonly bridge: RunningBridge;
  readonly adminToken: string;
  /** How to look at it, for a person. */
  readonly instructions: string;
  close(): Promise<void>;
}

/** The port if it is free on loopback, else a free one. */
async function portOr(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      const fallback = createServer();
      fallback.listen(0, '127.0.0.1', () => {
        const address = fallback.address();
        fallback.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
  });
}

/**
 * The whole bridge on embedded defaults: the PlaceOS simulator, an in-process MQTT broker
 * (Aedes; port 1883 unless taken) and the bridge, with one example privacy rule that hashes
 * e-mail addresses so the filter chain is visible from the first message.
 */
export async function runDemo(
  options: { rulesDb?: string; logLevel?: string; changesPerSecond?: number } = {},
): Promise<Demo> {
  const simulator = await startSimulator({ changesPerSecond: options.changesPerSecond ?? 2 });
  const broker = await startTestBroker({ kind: 'aedes', port: await portOr(1883) });
  const adminToken = randomBytes(18).toString('base64url');
  const httpPort = await portOr(3000);
  const config = loadBridgeConfig({
    PLACEOS_URL: simulator.url,
    PLACEOS_API_KEY: simulator.apiKey,
    MQTT_URL: broker.url,
    ADMIN_TOKEN: adminToken,
    HTTP_PORT: String(httpPort),
    RULES_DB: options.rulesDb ?? 'sqlite:./data/demo-rules.db',
    LOG_LEVEL: options.logLevel ?? 'warn',
    INSTANCE_ID: 'demo',
    PLACEOS_TOPOLOGY_POLL_MS: '5000',
    PLACEOS_KEY_POLL_MS: '10000',
  });
  // The example rule is in the store before the bridge starts, so no address ever reaches the broker.
  await ensureExampleRule(config.rulesDb);
  const bridge = await startBridge(config, {
    logger: createLogger({ level: config.logLevel }),
    host: '127.0.0.1',
  });
  const base = bridge.url;
  const instructions = [
    '',
    'placeos-mqtt-bridge demo is running.',
    '',
    `  PlaceOS simulator  ${simulator.url}   (X-API-Key: ${simulator.apiKey})`,
    `  MQTT broker        ${broker.url}`,
    `  Watch the topics   npx mqtt sub -h 127.0.0.1 -p ${broker.port} -t 'placeos/#' -v`,
    `  Admin API          ${base}/api/v1/rules   (Authorization: Bearer ${adminToken})`,
    `  API docs           ${base}/api/docs`,
    `  Health             ${base}/health/ready`,
    `  Metrics            ${base}/metrics`,
    '',
    "  Try:  curl -s -H 'Authorization: Bearer " + adminToken + "' " + base + '/api/v1/rules',
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
  return {
    simulator,
    broker,
    bridge,
    adminToken,
    instructions,
    close: async () => {
      await bridge.close();
      await broker.stop();
      await simulator.close();
    },
  };
}

async function ensureExampleRule(rulesDb: RulesDbConfig): Promise<void> {
  const store = await openRulesStore(rulesDb);
  try {
    const rules = await store.list();
    if (rules.some((rule) => rule.name === 'hash-emails')) return;
    await store.create({
      name: 'hash-emails',
      description: 'Demo: e-mail addresses are replaced by their HMAC on every broker',
      match: { detector: 'email' },
      action: 'hash',
    });
  } finally {
    await store.close();
  }
}
