// Child process of the benchmarks: a PlaceOS simulator of ≈100,000 status keys at the default
// size (BENCH_ROOMS_PER_LEVEL rooms on each of 90 levels, ≈101 keys a room). Prints one JSON
// line { url, apiKey, stats } on stdout, then takes commands as JSON lines on stdin:
//   {"cmd":"stream","rate":2000,"seconds":10,"keys":2000}
// sets `rate` values a second for `seconds` on `keys` status keys, round robin, each value
// {"at":<unix ms, fractional>,"seq":n} stamped when the driver "wrote" it, and answers
// {"streamed":n} when done. Ends with stdin or on SIGTERM.
import { createInterface } from 'node:readline';
import { startSimulator } from '@app/placeos-sim';

interface StreamCommand {
  cmd: 'stream';
  rate: number;
  seconds: number;
  keys?: number;
}

const TICK_MS = 5;

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

  /** Streams stamped values at a steady rate (ticks of TICK_MS, catching up if one ran late). */
  const stream = (command: StreamCommand): Promise<number> => {
    const targets: Array<[string, string]> = [];
    const wanted = command.keys ?? 2000;
    for (const moduleId of sim.world.moduleIds()) {
      for (const key of sim.world.stateHash(moduleId)?.keys() ?? []) {
        if (targets.length < wanted) targets.push([moduleId, key]);
      }
      if (targets.length >= wanted) break;
    }
    const total = Math.round(command.rate * command.seconds);
    const started = performance.now();
    let sent = 0;
    return new Promise((resolve) => {
      const tick = (): void => {
        const due = Math.min(
          total,
          Math.floor(((performance.now() - started) * command.rate) / 1000),
        );
        for (; sent < due; sent++) {
          const [moduleId, key] = targets[sent % targets.length];
          const at = performance.timeOrigin + performance.now();
          sim.world.setState(moduleId, key, { at, seq: sent });
        }
        if (sent < total) setTimeout(tick, TICK_MS);
        else resolve(sent);
      };
      tick();
    });
  };

  createInterface({ input: process.stdin }).on('line', (line) => {
    let command: StreamCommand;
    try {
      command = JSON.parse(line) as StreamCommand;
    } catch {
      return; // not a command
    }
    if (command?.cmd === 'stream') {
      void stream(command).then((streamed) => {
        process.stdout.write(`${JSON.stringify({ streamed })}\n`);
      });
    }
  });
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
}

void main();
