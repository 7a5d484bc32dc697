/**
 * End-to-end publishing throughput of BrokerConnection against a local test broker
 * (mosquitto when installed, else in-process Aedes) with a real subscriber in this process.
 * Prints messages/s at QoS 0 and QoS 1 and the time to drain 100,000 retained topics that were
 * queued while the broker was down. `BENCH_MESSAGES` overrides the message count per rate run.
 */
import type { BrokerConfig } from '@app/config';
import { BrokerConnection } from '@app/mqtt-publisher';
import { freePort, startTestBroker, type TestBroker } from '@app/testing';
import mqtt from 'mqtt';
import pino from 'pino';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const DRAIN_TOPICS = 100_000;
const PHASE_TIMEOUT_MS = 120_000;
// A typical state payload (about 200 bytes).
const VALUE = JSON.stringify({
  id: 'bk-1029',
  title: 'Weekly sync',
  host: 'c9f1e8a2d7b34f0e9a1c2b3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
  start: 1732500000,
  end: 1732503600,
  private: false,
});

function config(url: string, qos: 0 | 1): BrokerConfig {
  return {
    id: `bench-q${qos}`,
    url,
    clientId: `bench-${qos}-${process.pid}`,
    qos,
    retain: true,
    protocolVersion: 'auto',
    tls: { rejectUnauthorized: true },
    profile: 'generic',
    outboxMaxTopics: 250_000,
    limits: {},
  };
}

/** Resolves once `count` messages under `prefix` have arrived at a fresh subscriber. */
async function subscriber(url: string, prefix: string, count: number) {
  const client = await mqtt.connectAsync(url, {
    clientId: `bench-sub-${prefix.replace(/\W/g, '')}`,
  });
  let received = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  client.on('message', () => {
    received++;
    if (received === count) resolveDone();
  });
  await client.subscribeAsync(`${prefix}/#`, { qos: 0 });
  return { done, received: () => received, close: () => client.endAsync(true) };
}

async function timeout(ms: number): Promise<'timeout'> {
  await new Promise((resolve) => setTimeout(resolve, ms).unref());
  return 'timeout';
}

function line(label: string, count: number, ms: number, received: number): void {
  const rate = Math.round((received / ms) * 1000);
  console.log(
    `${label.padEnd(34)} ${String(received).padStart(7)}/${count} msgs  ${ms.toFixed(0).padStart(6)} ms  ${String(rate).padStart(7)} msg/s`,
  );
}

async function rateRun(broker: TestBroker, qos: 0 | 1): Promise<void> {
  const logger = pino({ level: 'silent' });
  const conn = new BrokerConnection(config(broker.url, qos), { instanceId: 'bench', logger });
  await conn.start();
  await conn.whenConnected(10_000);
  const prefix = `bench/q${qos}`;
  const sub = await subscriber(broker.url, prefix, MESSAGES);
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i++) {
    conn.publish(`${prefix}/${i}`, `{"time":${Date.now()},"value":${VALUE}}`);
  }
  await Promise.race([sub.done, timeout(PHASE_TIMEOUT_MS)]);
  line(`end to end, QoS ${qos}`, MESSAGES, performance.now() - started, sub.received());
  await sub.close();
  await conn.close(5000);
}

async function drainRun(): Promise<void> {
  const port = await freePort();
  const url = `mqtt://127.0.0.1:${port}`;
  const logger = pino({ level: 'silent' });
  const conn = new BrokerConnection(config(url, 1), {
    instanceId: 'bench-drain',
    logger,
    reconnectPeriodMs: 20,
    maxReconnectPeriodMs: 50,
  });
  let connectedAt = 0;
  conn.onConnected(() => {
    connectedAt = performance.now();
  });
  await conn.start();
  for (let i = 0; i < DRAIN_TOPICS; i++) {
    conn.publish(`bench/drain/${i}`, `{"time":${Date.now()},"value":${VALUE}}`);
  }
  const broker = await startTestBroker({ port });
  try {
    // Retained messages reach a subscriber whether it subscribes before or after delivery.
    const sub = await subscriber(url, 'bench/drain', DRAIN_TOPICS);
    const drained = await conn.drain(PHASE_TIMEOUT_MS);
    const acked = performance.now() - connectedAt;
    await Promise.race([sub.done, timeout(PHASE_TIMEOUT_MS)]);
    const total = performance.now() - connectedAt;
    line('drain 100k queued topics (QoS 1)', DRAIN_TOPICS, total, sub.received());
    console.log(
      `  from connect: all acknowledged after ${acked.toFixed(0)} ms (drained: ${drained})`,
    );
    await sub.close();
  } finally {
    await conn.close(5000);
    await broker.stop();
  }
}

async function main(): Promise<void> {
  const broker = await startTestBroker();
  console.log(`broker: ${broker.kind} at ${broker.url}; ${MESSAGES} messages per rate run`);
  try {
    await rateRun(broker, 0);
    await rateRun(broker, 1);
  } finally {
    await broker.stop();
  }
  await drainRun();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
