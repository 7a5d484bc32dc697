// Ingestion benchmark: PlaceOsClient against a large simulated PlaceOS running in a child process.
// Prints discovery/binding figures, event rate and this process's peak RSS.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PlaceOsClient } from '@app/placeos-client';
import pino from 'pino';

interface SimInfo {
  url: string;
  apiKey: string;
  stats: { systems: number; modules: number; keys: number };
}

const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? '10');
const LIVE_CHANGES_PER_SECOND = Number(process.env.SIM_CHANGES_PER_SECOND ?? '2000');

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'ingest-sim.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, SIM_CHANGES_PER_SECOND: String(LIVE_CHANGES_PER_SECOND) },
  });
  const info = await new Promise<SimInfo>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line) as SimInfo));
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  console.log(`simulator: ${info.stats.systems} systems, ${info.stats.modules} modules, ${info.stats.keys} keys`);

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);

  const client = new PlaceOsClient({
    url: info.url,
    apiKey: info.apiKey,
    zones: [],
    shard: { index: 0, count: 1 },
    topologyPollMs: 30_000,
    keyPollMs: 120_000,
    requestTimeoutMs: 10_000,
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });

  let events = 0;
  const distinct = new Set<string>();
  let allInitialAt = 0;
  const consumer = (async () => {
    for (;;) {
      const lease = await client.changes.take();
      if (!lease) return;
      events++;
      if (allInitialAt === 0) {
        distinct.add(lease.key);
      }
      lease.done();
    }
  })();

  const started = performance.now();
  await client.start();
  const synced = await client.whenSynced(180_000);
  const syncSeconds = (performance.now() - started) / 1000;
  const status = client.status();
  while (allInitialAt === 0 && distinct.size < status.boundKeys) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  allInitialAt = performance.now();
  const initialSeconds = (allInitialAt - started) / 1000;
  const initialEvents = events;
  distinct.clear();

  const liveStart = performance.now();
  const liveEventsBefore = events;
  await new Promise((resolve) => setTimeout(resolve, LIVE_SECONDS * 1000));
  const liveRate = (events - liveEventsBefore) / ((performance.now() - liveStart) / 1000);

  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const final = client.status();
  await client.stop();
  await consumer;
  child.stdin.end();
  child.kill('SIGTERM');

  const figures = {
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
    systems: final.systems,
    modules: final.modules,
    keysBound: status.boundKeys,
    firstSyncDone: synced,
    secondsToFirstSyncDone: Number(syncSeconds.toFixed(2)),
    secondsToAllInitialNotifies: Number(initialSeconds.toFixed(2)),
    initialEvents,
    initialEventsPerSecond: Math.round(initialEvents / initialSeconds),
    liveChangesPerSecondOffered: LIVE_CHANGES_PER_SECOND,
    liveEventsPerSecond: Math.round(liveRate),
    coalesced: client.changes.stats.coalesced,
    reconnects: final.reconnects,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
  };
  console.log(JSON.stringify(figures, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
