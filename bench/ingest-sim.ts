// Child process of ingest.bench.ts: a PlaceOS simulator sized for the ingestion target
// (≈5,000 modules, ≈100,000 status keys). Prints one JSON line { url, apiKey, stats } on stdout.
import { startSimulator } from '@app/placeos-sim';

async function main(): Promise<void> {
  const changesPerSecond = Number(process.env.SIM_CHANGES_PER_SECOND ?? '0');
  const sim = await startSimulator({
    seed: 2026,
    changesPerSecond,
    // In-cluster mode: the world is mirrored into this Redis as PlaceOS' drivers and core do.
    redisUrl: process.env.SIM_REDIS_URL || undefined,
    portfolio: {
      orgs: 1,
      regionsPerOrg: 2,
      buildingsPerRegion: 5,
      levelsPerBuilding: 9,
      roomsPerLevel: Number(process.env.BENCH_ROOMS_PER_LEVEL ?? '10'),
    },
  });
  process.stdout.write(
    `${JSON.stringify({ url: sim.url, apiKey: sim.apiKey, stats: sim.world.stats() })}\n`,
  );
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

void main();
