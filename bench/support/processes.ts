import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startTestRedis } from '@app/testing';

const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** The built bridge, as `npm start` runs it. */
export const BRIDGE_MAIN = join(
  __dirname,
  '..',
  '..',
  'dist',
  'apps',
  'bridge',
  'apps',
  'bridge',
  'src',
  'main.js',
);

/** CPU seconds (user + system) and peak RSS (VmHWM) of a running process, from /proc. */
export function procStat(pid: number): { cpuSeconds: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const peakRssMb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? '0') / 1024);
  return { cpuSeconds, peakRssMb };
}

/** Polls `probe` every `intervalMs` until it returns a value; undefined after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 5,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface SimInfo {
  url: string;
  apiKey: string;
  stats: { systems: number; modules: number; keys: number };
}

/** The simulator child process (ingest-sim.ts) and the commands it takes. */
export interface SimProcess {
  readonly info: SimInfo;
  /** The Redis the simulator mirrors its world into (PlaceOS' in-cluster Redis), if any. */
  readonly redisUrl?: string;
  /** A `/_sim/` test control. */
  control<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stamped values at `rate` a second for `seconds`; resolves with how many were written. */
  stream(rate: number, seconds: number, keys?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startSimProcess(
  env: Record<string, string>,
  withRedis = false,
): Promise<SimProcess> {
  const redis = withRedis ? await startTestRedis() : undefined;
  if (withRedis && !redis) throw new Error('redis-server is needed for a Redis-mode scale');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'ingest-sim.ts')],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, SIM_CHANGES_PER_SECOND: '0', SIM_REDIS_URL: redis?.url ?? '', ...env },
    },
  );
  const lines = createInterface({ input: child.stdout });
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`simulator exited with ${code}`));
      child.once('exit', onExit);
      lines.once('line', (line) => {
        child.off('exit', onExit);
        resolve(line);
      });
    });
  const info = JSON.parse(await nextLine()) as SimInfo;
  return {
    info,
    redisUrl: redis?.url,
    control: async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${info.url}/_sim/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()) as T;
    },
    stream: async (rate, seconds, keys) => {
      const answer = nextLine();
      child.stdin.write(`${JSON.stringify({ cmd: 'stream', rate, seconds, keys })}\n`);
      return (JSON.parse(await answer) as { streamed: number }).streamed;
    },
    stop: async () => {
      await stopChild(child);
      await redis?.close();
    },
  };
}

/** SIGTERM, then waits for the exit. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
