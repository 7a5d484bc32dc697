// Whole-bridge benchmark: the built bridge (dist, as `npm start` runs it) in its own process,
// against a simulated PlaceOS of ≈5,000 modules / ≈100,000 keys (child process) and a real
// broker. Prints the time until readiness (first sync + broker connected), the time until the
// broker holds every state topic, the live end-to-end rate, and the bridge's peak RSS (VmHWM).
// Env: BENCH_ROOMS_PER_LEVEL (default 11), BENCH_LIVE_SECONDS (default 10),
// SIM_CHANGES_PER_SECOND (live load, default 1000), BRIDGE_NODE_OPTIONS (Node options of the bridge;
// default the heap cap `npm start` and the container image use; set it to '' to measure uncapped).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, startTestBroker } from '@app/testing';
import mqtt from 'mqtt';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'bridge', 'apps', 'bridge', 'src', 'main.js');
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? '10');
const LIVE_RATE = Number(process.env.SIM_CHANGES_PER_SECOND ?? '1000');
const BRIDGE_NODE_OPTIONS = process.env.BRIDGE_NODE_OPTIONS ?? '--max-old-space-size=192';

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? '0');
  return Math.round(kb / 1024);
}

async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  if (!existsSync(MAIN)) throw new Error('build the bridge first: npm run build');
  const broker = await startTestBroker();
  const sim = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'ingest-sim.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      SIM_CHANGES_PER_SECOND: String(LIVE_RATE),
      BENCH_ROOMS_PER_LEVEL: process.env.BENCH_ROOMS_PER_LEVEL ?? '11',
    },
  });
  const info = await new Promise<{
    url: string;
    apiKey: string;
    stats: { modules: number; keys: number; systems: number };
  }>((resolve, reject) => {
    createInterface({ input: sim.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    sim.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  // Random changes stay paused until the live phase, so the initial sync is measured alone.
  const pause = (paused: boolean) =>
    fetch(`${info.url}/_sim/pause`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ paused }),
    });
  await pause(true);
  const topics = new Set<string>();
  let received = 0;
  const subscriber = await mqtt.connectAsync(broker.url);
  subscriber.on('message', (topic) => {
    received++;
    topics.add(topic);
  });
  await subscriber.subscribeAsync('placeos/+/state/#', { qos: 0 });

  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bridge-bench-'));
  const started = performance.now();
  const bridge: ChildProcess = spawn(
    process.execPath,
    [...BRIDGE_NODE_OPTIONS.split(' ').filter(Boolean), MAIN],
    {
      // BENCH_BRIDGE_STDOUT=<file> keeps the bridge's stdout (e.g. with BRIDGE_NODE_OPTIONS=--trace-gc).
      stdio: [
        'ignore',
        process.env.BENCH_BRIDGE_STDOUT ? openSync(process.env.BENCH_BRIDGE_STDOUT, 'w') : 'ignore',
        'inherit',
      ],
      env: {
        PATH: process.env.PATH,
        PLACEOS_URL: info.url,
        PLACEOS_API_KEY: info.apiKey,
        MQTT_URL: broker.url,
        HTTP_PORT: String(port),
        RULES_DB: `sqlite:${join(dir, 'rules.db')}`,
        ADMIN_TOKEN: 'bench-token-0123456789',
        LOG_LEVEL: 'warn',
        INSTANCE_ID: 'bench',
      },
    },
  );
  const pid = bridge.pid ?? 0;
  const ready = await waitFor(async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.status !== 200) return undefined;
      return (await res.json()) as { details: { placeos: { boundKeys: number; systems: number } } };
    } catch {
      return undefined;
    }
  }, 180_000);
  const readySeconds = (performance.now() - started) / 1000;
  const boundKeys = ready.details.placeos.boundKeys;
  await waitFor(() => (topics.size >= boundKeys ? true : undefined), 180_000);
  const allTopicsSeconds = (performance.now() - started) / 1000;
  const rssAfterSync = peakRssMb(pid);

  // Live load: the simulator's random changes, measured as messages arriving at the broker.
  await pause(false);
  const before = received;
  const liveStart = performance.now();
  await new Promise((r) => setTimeout(r, LIVE_SECONDS * 1000));
  const liveRate = Math.round((received - before) / ((performance.now() - liveStart) / 1000));
  const peakRss = peakRssMb(pid);

  bridge.kill('SIGTERM');
  await new Promise((r) => bridge.once('exit', r));
  await subscriber.endAsync(true);
  sim.stdin?.end();
  sim.kill('SIGTERM');
  await broker.stop();

  console.log(
    JSON.stringify(
      {
        node: process.version,
        cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
        broker: broker.kind,
        bridgeNodeOptions: BRIDGE_NODE_OPTIONS,
        systems: ready.details.placeos.systems,
        modules: info.stats.modules,
        keysBound: boundKeys,
        secondsToReady: Number(readySeconds.toFixed(1)),
        secondsToEveryTopicOnBroker: Number(allTopicsSeconds.toFixed(1)),
        liveChangesOffered: LIVE_RATE,
        liveMessagesPerSecondAtBroker: liveRate,
        bridgePeakRssMbAfterSync: rssAfterSync,
        bridgePeakRssMb: peakRss,
      },
      null,
      2,
    ),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
