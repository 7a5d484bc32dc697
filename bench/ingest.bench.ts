// Ingestion benchmark: PlaceOsClient against a large simulated PlaceOS running in a child process.
// Prints discovery/binding figures, event rate and this process's peak RSS.
// Env: SIM_CHANGES_PER_SECOND (live load, default 2000), BENCH_LIVE_SECONDS (default 10),
// BENCH_TRACE=1 (a memory/binding line every 100 ms). Run with `node --expose-gc --import tsx`
// to also get the heap retained after the initial sync; NODE_OPTIONS=--max-old-space-size=128
// shows the peak RSS when V8 is not allowed to defer major GCs.
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
  console.log(
    `simulator: ${info.stats.systems} systems, ${info.stats.modules} modules, ${info.stats.keys} keys`,
  );

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

  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  let peakHeap = 0;
  let peakQueued = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakQueued = Math.max(peakQueued, client.changes.size);
    if (process.env.BENCH_TRACE) {
      const st = client.status();
      console.error(
        `${Math.round(performance.now())} heap=${usage.heapUsed >> 20} rss=${usage.rss >> 20} modules=${st.modules} bound=${st.boundKeys} pending=${st.pendingBinds} events=${events}`,
      );
    }
  }, 100);

  let events = 0;
  const distinct = new Set<string>();
  let allInitialAt = 0;
  const consumer = (async () => {
    for (;;) {
      const batch = await client.changes.takeBatch(1000);
      if (!batch) return;
      events += batch.values.length;
      if (allInitialAt === 0) {
        for (const key of batch.keys) distinct.add(key);
      }
      batch.done();
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
  // With --expose-gc: what the client retains once the initial flood is over.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const retainedHeapMb = gc ? Math.round(process.memoryUsage().heapUsed / 1024 / 1024) : undefined;

  const liveStart = performance.now();
  const liveEventsBefore = events;
  await new Promise((resolve) => setTimeout(resolve, LIVE_SECONDS * 1000));
  const liveRate = (events - liveEventsBefore) / ((performance.now() - liveStart) / 1000);

  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const final = client.status();
  const endUsage = process.memoryUsage();
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
    peakQueuedKeys: peakQueued,
    reconnects: final.reconnects,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
    baselineRssMb: Math.round(baselineRss / 1024 / 1024),
    peakHeapUsedMb: Math.round(peakHeap / 1024 / 1024),
    endHeapUsedMb: Math.round(endUsage.heapUsed / 1024 / 1024),
    endRssMb: Math.round(endUsage.rss / 1024 / 1024),
    retainedHeapAfterSyncMb: retainedHeapMb,
  };
  console.log(JSON.stringify(figures, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
