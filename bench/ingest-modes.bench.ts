// Ingestion modes, side by side: the built bridge (as `npm start` runs it) against the same
// simulated PlaceOS (≈100,000 keys, child process) and a real broker, once taking state over the
// API (control sockets) and once from PlaceOS' Redis. Prints, per mode: start → every state
// topic on the broker, the max notifies pending on one control socket (API), a new status key →
// its topic, and a burst of 24,000 changes over 12,000 keys → every last value on the broker,
// with the bridge's CPU seconds for the burst and its peak RSS.
// Env: BENCH_ROOMS_PER_LEVEL (default 10), BENCH_MODES (default "api redis").
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, startTestBroker, startTestRedis } from '@app/testing';
import { BRIDGE_MAIN as MAIN, procStat, type SimInfo, waitFor } from './support/processes';
import mqtt from 'mqtt';

const MODES = (process.env.BENCH_MODES ?? 'api redis').split(/\s+/).filter(Boolean);
const BURST = { keys: 12_000, changesPerKey: 2 };
async function runMode(mode: string): Promise<Record<string, unknown>> {
  const redis = mode === 'redis' ? await startTestRedis() : undefined;
  if (mode === 'redis' && !redis) throw new Error('redis-server is needed for the Redis mode');
  const broker = await startTestBroker();
  const sim = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'ingest-sim.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      SIM_CHANGES_PER_SECOND: '0',
      SIM_REDIS_URL: redis?.url ?? '',
      BENCH_ROOMS_PER_LEVEL: process.env.BENCH_ROOMS_PER_LEVEL ?? '10',
    },
  });
  const info = await new Promise<SimInfo>((resolve, reject) => {
    createInterface({ input: sim.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    sim.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${info.url}/_sim/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as T;
  };

  const latest = new Map<string, string>();
  let lastArrival = 0;
  const subscriber = await mqtt.connectAsync(broker.url);
  subscriber.on('message', (topic, payload) => {
    latest.set(topic, payload.toString());
    lastArrival = performance.now();
  });
  await subscriber.subscribeAsync('placeos/+/state/#', { qos: 0 });

  const port = await freePort();
  const started = performance.now();
  const bridge: ChildProcess = spawn(process.execPath, [MAIN], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH,
      PLACEOS_URL: info.url,
      PLACEOS_API_KEY: info.apiKey,
      ...(redis ? { PLACEOS_REDIS_URL: redis.url } : {}),
      MQTT_URL: broker.url,
      HTTP_PORT: String(port),
      RULES_DB: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ingest-bench-')), 'rules.db')}`,
      ADMIN_TOKEN: 'bench-token-0123456789',
      LOG_LEVEL: 'warn',
      INSTANCE_ID: `bench-${mode}`,
    },
  });
  const pid = bridge.pid ?? 0;
  const boundKeys = await waitFor(async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.status !== 200) return undefined;
      const body = (await res.json()) as { details: { placeos: { boundKeys: number } } };
      return body.details.placeos.boundKeys;
    } catch {
      return undefined;
    }
  }, 180_000);
  if (boundKeys === undefined) throw new Error(`${mode}: the bridge never became ready`);
  await waitFor(() => (latest.size >= boundKeys ? true : undefined), 180_000);
  const startToEveryTopic = (performance.now() - started) / 1000;
  const syncPressure = await control<{ maxPendingNotifies: number }>('GET', 'pressure');

  // A new status key on a module that already has topics.
  const [anyTopic] = latest.keys();
  const systemId = anyTopic.split('/')[6];
  const system = await control<{ modules: string[] }>('GET', `systems/${systemId}`);
  const newKeyAt = performance.now();
  await control('POST', 'state', { module_id: system.modules[0], key: 'bench_new_key', value: 1 });
  const newKeySeen = await waitFor(
    () => ([...latest.keys()].some((t) => t.endsWith('/bench_new_key')) ? true : undefined),
    70_000,
  );
  const newKeyMs = newKeySeen ? Math.round(performance.now() - newKeyAt) : undefined;

  await control('POST', 'pressure/reset');
  const cpuBefore = procStat(pid).cpuSeconds;
  const burstAt = performance.now();
  const burst = await control<{ finalValue: string; keys: number }>('POST', 'burst', BURST);
  const finalText = `"value":${JSON.stringify(burst.finalValue)}}`;
  const burstDone = await waitFor(() => {
    let last = 0;
    let older = 0;
    for (const payload of latest.values()) {
      if (payload.endsWith(finalText)) last++;
      else if (payload.includes('"value":"burst ')) older++;
    }
    return last >= burst.keys && older === 0 ? true : undefined;
  }, 60_000);
  const burstSeconds = burstDone ? (lastArrival - burstAt) / 1000 : undefined;
  // Let the bridge finish acknowledging before reading its CPU time.
  await new Promise((r) => setTimeout(r, 200));
  const after = procStat(pid);
  const burstPressure = await control<{ maxPendingNotifies: number }>('GET', 'pressure');

  bridge.kill('SIGTERM');
  await new Promise((r) => bridge.once('exit', r));
  await subscriber.endAsync(true);
  sim.stdin?.end();
  sim.kill('SIGTERM');
  await new Promise((r) => sim.once('exit', r));
  await broker.stop();
  await redis?.close();
  return {
    mode,
    keysBound: boundKeys,
    startToEveryTopicSeconds: Number(startToEveryTopic.toFixed(1)),
    maxPendingNotifiesPerSocketSync: mode === 'api' ? syncPressure.maxPendingNotifies : 0,
    newKeyToTopicMs: newKeyMs ?? '> 70000',
    burstChanges: BURST.keys * BURST.changesPerKey,
    burstToEveryLastValueSeconds:
      burstSeconds === undefined ? 'timeout' : Number(burstSeconds.toFixed(2)),
    burstBridgeCpuSeconds: Number((after.cpuSeconds - cpuBefore).toFixed(2)),
    maxPendingNotifiesPerSocketBurst: mode === 'api' ? burstPressure.maxPendingNotifies : 0,
    bridgePeakRssMb: after.peakRssMb,
  };
}

async function main(): Promise<void> {
  const results = [];
  for (const mode of MODES) results.push(await runMode(mode));
  console.log(
    JSON.stringify(
      { node: process.version, cpu: `${cpus()[0]?.model} x${cpus().length}`, results },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
