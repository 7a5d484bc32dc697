// `npm run bench`: the whole bridge against a bare baseline, in one run, on the same simulated
// PlaceOS (a child process) and the same local mosquitto. The bare baseline (bare-publisher.ts)
// is the bridge's own PlaceOS client feeding mqtt.js directly: what the bridge adds on top of
// ingestion and the broker is what the ratios show. Prints a table and writes
// docs/bench/latest.json, docs/bench/latest.md and docs/bench/latency.svg.
//
// Per scale (BENCH_SCALES, default "100k 1M"): start → every state topic on the broker, and
// peak RSS. At 100k also: a burst of 24,000 changes over 12,000 keys (changes a second until
// every key's last value is on the broker; the bridge with 0 and with 20 privacy rules), and the
// end-to-end latency of stamped values streamed at 2,000 and 10,000 changes a second
// (BENCH_LATENCY_SECONDS each, default 10). Then the privacy chain alone, in this process.
// For profiling: BENCH_SUBJECTS ("bare bridge"), BENCH_BRIDGE_NODE_OPTIONS (e.g. "--cpu-prof"),
// BENCH_BRIDGE_STDOUT=<file> (with "--trace-gc"; the container run writes <file>.container).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort, startTestBroker, type TestBroker } from '@app/testing';
import { BrokerWatch, type Subject } from './support/broker-watch';
import { createMemoryCgroup, type MemoryCgroup } from './support/memory-cgroup';
import { latencyPlotSvg, quantile } from './support/latency-plot';
import { measurePrivacyChainAsBuilt } from './support/privacy-chain';
import {
  type BurstResult,
  type LatencyResult,
  type SubjectRun,
  type SyncResult,
  table,
} from './support/bench-report';
import {
  BRIDGE_MAIN,
  procStat,
  type SimProcess,
  startSimProcess,
  stopChild,
  waitFor,
} from './support/processes';
import { TWENTY_RULES } from './support/twenty-rules';

/** Per scale: rooms per level of the simulated portfolio, where state comes from, and the
 * memory limit of the container run (the bridge's sizing for that many keys). */
interface Scale {
  rooms: number;
  source: 'api' | 'redis';
  containerMb: number;
  /** Bursts and latency are measured at this scale. */
  full: boolean;
}
const SCALES: Record<string, Scale> = {
  '100k': { rooms: 11, source: 'api', containerMb: 512, full: true },
  // A million keys from PlaceOS' Redis (in-cluster): over the API the simulator's own binding
  // speed decides (the bare baseline needs minutes just for the binds).
  '1M': { rooms: 112, source: 'redis', containerMb: 2048, full: false },
};
const RUN_SCALES = (process.env.BENCH_SCALES ?? '100k 1M').split(/\s+/).filter(Boolean);
const RUN_SUBJECTS = (process.env.BENCH_SUBJECTS ?? 'bare bridge')
  .split(/\s+/)
  .filter((s): s is Subject => s === 'bare' || s === 'bridge');
const BRIDGE_NODE_OPTIONS = (process.env.BENCH_BRIDGE_NODE_OPTIONS ?? '')
  .split(/\s+/)
  .filter(Boolean);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? '10');
const LATENCY_RATES = [2000, 10_000];
const BURST = { keys: 12_000, changesPerKey: 2 };
const ADMIN_TOKEN = 'bench-token-0123456789';
const OUT_DIR = join(__dirname, '..', 'docs', 'bench');
/** A burst is over once nothing more arrived for this long (the figure is the last arrival). */
const QUIET_MS = 1500;

/** A running subject: the bridge (built, as `npm start` runs it) or the bare baseline. */
interface RunningSubject {
  child: ChildProcess;
  boundKeys: Promise<number>;
  /** Base URL of the bridge's HTTP side. */
  http?: string;
}

async function startSubject(
  subject: Subject,
  sim: SimProcess,
  broker: TestBroker,
  cgroup?: MemoryCgroup,
): Promise<RunningSubject> {
  const common = {
    PATH: process.env.PATH ?? '',
    PLACEOS_URL: sim.info.url,
    PLACEOS_API_KEY: sim.info.apiKey,
    MQTT_URL: broker.url,
    ...(sim.redisUrl ? { PLACEOS_REDIS_URL: sim.redisUrl } : {}),
  };
  if (subject === 'bare') {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'bare-publisher.ts')],
      { stdio: ['ignore', 'pipe', 'inherit'], env: common },
    );
    const boundKeys = new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) =>
        resolve((JSON.parse(line) as { boundKeys: number }).boundKeys),
      );
      child.once('exit', (code) => reject(new Error(`bare publisher exited with ${code}`)));
    });
    return { child, boundKeys };
  }
  const port = String(await freePort());
  const http = `http://127.0.0.1:${port}`;
  const [command, args] = cgroup
    ? cgroup.wrap(process.execPath, [...BRIDGE_NODE_OPTIONS, BRIDGE_MAIN])
    : [process.execPath, [...BRIDGE_NODE_OPTIONS, BRIDGE_MAIN]];
  const child = spawn(command, args, {
    stdio: [
      'ignore',
      process.env.BENCH_BRIDGE_STDOUT
        ? openSync(`${process.env.BENCH_BRIDGE_STDOUT}${cgroup ? '.container' : ''}`, 'w')
        : 'ignore',
      'inherit',
    ],
    env: {
      ...common,
      HTTP_PORT: port,
      RULES_DB: `sqlite:${join(mkdtempSync(join(tmpdir(), 'bench-')), 'rules.db')}`,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      INSTANCE_ID: 'bench',
    },
  });
  const boundKeys = waitFor(
    async () => {
      try {
        const res = await fetch(`${http}/health/ready`);
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { details: { placeos: { boundKeys: number } } };
        return body.details.placeos.boundKeys;
      } catch {
        return undefined;
      }
    },
    600_000,
    50,
  ).then((keys) => {
    if (keys === undefined) throw new Error('the bridge never became ready');
    return keys;
  });
  return { child, boundKeys, http };
}

async function admin(http: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${http}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** Sets the bridge's rules and waits until their re-publication has reached the broker. */
async function setRules(http: string, rules: readonly unknown[]): Promise<void> {
  await admin(http, 'PUT', '/api/v1/rules', rules);
  let quietSince = 0;
  await waitFor(
    async () => {
      const metrics = await (await fetch(`${http}/metrics`)).text();
      const loaded = Number(/^placeos_bridge_rules (\d+)/m.exec(metrics)?.[1] ?? '-1');
      const { items: brokers } = (await admin(http, 'GET', '/api/v1/brokers')) as {
        items: Array<{ queued: number; inFlight: number }>;
      };
      const idle = loaded === rules.length && brokers.every((b) => b.queued + b.inFlight === 0);
      if (!idle) quietSince = 0;
      else if (quietSince === 0) quietSince = Date.now();
      return quietSince > 0 && Date.now() - quietSince > 1000 ? true : undefined;
    },
    120_000,
    100,
  );
}

async function measureSync(
  subject: Subject,
  sim: SimProcess,
  broker: TestBroker,
  watch: BrokerWatch,
  cgroup?: MemoryCgroup,
): Promise<{ running: RunningSubject; sync: SyncResult }> {
  watch.resetTopics();
  const started = performance.now();
  const running = await startSubject(subject, sim, broker, cgroup);
  const keys = await running.boundKeys;
  const all = await waitFor(() => (watch.distinctTopics >= keys ? true : undefined), 600_000, 10);
  if (!all) throw new Error(`${subject}: only ${watch.distinctTopics} of ${keys} topics arrived`);
  const seconds = (performance.now() - started) / 1000;
  const { peakRssMb } = procStat(running.child.pid ?? 0);
  watch.resetTopics();
  return { running, sync: { keys, seconds, peakRssMb } };
}

async function measureBurst(
  subject: Subject,
  running: RunningSubject,
  sim: SimProcess,
  watch: BrokerWatch,
  rules: number,
): Promise<BurstResult> {
  const pid = running.child.pid ?? 0;
  watch.watchBurst(subject, `burst ${BURST.changesPerKey}`);
  const cpuBefore = procStat(pid).cpuSeconds;
  const started = performance.timeOrigin + performance.now();
  const burst = await sim.control<{ changes: number; keys: number }>('POST', 'burst', BURST);
  const status = await waitFor(
    () => {
      const s = watch.burstStatus();
      const quiet = performance.timeOrigin + performance.now() - s.lastArrivalAt;
      return s.lastArrivalAt > 0 && quiet > QUIET_MS ? s : undefined;
    },
    120_000,
    20,
  );
  if (!status) throw new Error(`${subject}: the burst never ended`);
  const seconds = (status.lastArrivalAt - started) / 1000;
  return {
    rules,
    changes: burst.changes,
    seconds,
    changesPerSecond: Math.round(burst.changes / seconds),
    cpuSeconds: procStat(pid).cpuSeconds - cpuBefore,
    // With rules, values a rule replaces never read as the last burst value.
    complete: status.older === 0 && (rules > 0 || status.final >= burst.keys),
  };
}

async function measureLatency(
  subject: Subject,
  sim: SimProcess,
  watch: BrokerWatch,
  rate: number,
): Promise<LatencyResult> {
  watch.watchLatency(subject);
  const offered = await sim.stream(rate, LATENCY_SECONDS);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const samples = watch.stopLatency();
  return {
    rate,
    offered,
    delivered: samples.length,
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    p999: quantile(samples, 0.999),
    samples,
  };
}

async function runSubject(
  subject: Subject,
  scale: string,
  sim: SimProcess,
  broker: TestBroker,
  watch: BrokerWatch,
): Promise<SubjectRun> {
  console.error(`[${scale}] ${subject}: sync…`);
  const { running, sync } = await measureSync(subject, sim, broker, watch);
  console.error(
    `[${scale}] ${subject}: ${sync.keys} keys in ${sync.seconds.toFixed(1)} s, ${sync.peakRssMb} MB`,
  );
  const run: SubjectRun = { sync, bursts: [], latency: [] };
  try {
    if (!SCALES[scale].full) return run;
    run.bursts.push(await measureBurst(subject, running, sim, watch, 0));
    if (subject === 'bridge' && running.http) {
      await setRules(running.http, TWENTY_RULES);
      run.bursts.push(await measureBurst(subject, running, sim, watch, TWENTY_RULES.length));
      await setRules(running.http, []);
    }
    for (const rate of LATENCY_RATES) {
      console.error(`[${scale}] ${subject}: latency at ${rate}/s…`);
      run.latency.push(await measureLatency(subject, sim, watch, rate));
    }
    return run;
  } finally {
    await stopChild(running.child);
  }
}

/** The bridge's sync once more, inside a memory cgroup of the scale's container limit. */
async function runInContainer(
  scale: string,
  sim: SimProcess,
  broker: TestBroker,
  watch: BrokerWatch,
  run: SubjectRun,
): Promise<void> {
  const cgroup = createMemoryCgroup(SCALES[scale].containerMb);
  if (typeof cgroup === 'string') {
    run.containerSkipped = cgroup;
    console.error(`[${scale}] bridge in a container: skipped, ${cgroup}`);
    return;
  }
  try {
    console.error(`[${scale}] bridge in a ${cgroup.limitMb} MiB container: sync…`);
    const { running, sync } = await measureSync('bridge', sim, broker, watch, cgroup);
    await stopChild(running.child);
    run.container = { ...sync, limitMb: cgroup.limitMb };
  } finally {
    cgroup.remove();
  }
}

async function main(): Promise<void> {
  const broker = await startTestBroker({ kind: 'mosquitto' });
  const runs: Record<string, Record<Subject, SubjectRun>> = {};
  try {
    for (const scale of RUN_SCALES) {
      const settings = SCALES[scale];
      if (settings === undefined)
        throw new Error(`unknown scale ${scale} (use ${Object.keys(SCALES).join(', ')})`);
      const sim = await startSimProcess(
        { BENCH_ROOMS_PER_LEVEL: String(settings.rooms) },
        settings.source === 'redis',
      );
      try {
        const bySubject = {} as Record<Subject, SubjectRun>;
        const fresh = async <T>(work: (watch: BrokerWatch) => Promise<T>): Promise<T> => {
          // A broker of its own per run: nothing retained from the last one, no memory growth.
          await broker.restart();
          const watch = await BrokerWatch.open(broker.url);
          try {
            return await work(watch);
          } finally {
            await watch.close();
          }
        };
        for (const subject of RUN_SUBJECTS) {
          bySubject[subject] = await fresh((watch) =>
            runSubject(subject, scale, sim, broker, watch),
          );
        }
        const bridgeRun = bySubject.bridge;
        if (bridgeRun) {
          await fresh((watch) => runInContainer(scale, sim, broker, watch, bridgeRun));
        }
        runs[scale] = bySubject;
      } finally {
        await sim.stop();
      }
    }
  } finally {
    await broker.stop();
  }
  const chain = measurePrivacyChainAsBuilt();
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ${brokerVersion(broker)}`;
  const complete = Object.values(runs).every((r) => r.bare && r.bridge);
  if (!complete) {
    console.log(JSON.stringify(runs, (k, v: unknown) => (k === 'samples' ? undefined : v), 2));
    return;
  }
  const markdown = table(runs, chain, (scale) => SCALES[scale].source);
  const date = new Date().toISOString().slice(0, 10);
  console.log(`\n${date}, ${machine}\n\n${markdown}\n`);
  mkdirSync(OUT_DIR, { recursive: true });
  const json = {
    date,
    machine,
    scales: Object.fromEntries(
      Object.entries(runs).map(([scale, bySubject]) => [
        scale,
        Object.fromEntries(
          Object.entries(bySubject).map(([subject, run]) => [
            subject,
            { ...run, latency: run.latency.map(({ samples: _samples, ...rest }) => rest) },
          ]),
        ),
      ]),
    ),
    privacyChain: chain,
  };
  writeFileSync(join(OUT_DIR, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(OUT_DIR, 'latest.md'), `${date}, ${machine}\n\n${markdown}\n`);
  const latency = runs['100k'];
  if (latency) {
    const colours: Record<Subject, string> = { bridge: '#1f6feb', bare: '#8b949e' };
    const series = (['bridge', 'bare'] as const).flatMap((subject) =>
      latency[subject].latency.map((l) => ({
        label: `${subject} at ${l.rate.toLocaleString('en')}/s`,
        colour: colours[subject],
        dashed: l.rate !== LATENCY_RATES[0],
        samples: l.samples,
      })),
    );
    writeFileSync(
      join(OUT_DIR, 'latency.svg'),
      latencyPlotSvg(`End-to-end latency by percentile (${date})`, series),
    );
  }
}

/** `mosquitto version 2.0.11` as the binary prints it in its usage text. */
function brokerVersion(broker: TestBroker): string {
  if (broker.kind !== 'mosquitto') return broker.kind;
  const usage = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' }).stdout ?? '';
  return /mosquitto version [\w.]+/.exec(usage)?.[0] ?? 'mosquitto';
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
