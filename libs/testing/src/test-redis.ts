import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/**
 * A real `redis-server` of its own on a free loopback port. PlaceOS's key names have no
 * namespace (`status/<mod>`, `system/<sys>`), so tests must never share a server.
 */
export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, with `:<password>@` when the server requires one. */
  readonly url: string;
  /**
   * SIGKILLs the server. With `keepData` it first SAVEs a snapshot that `start()` loads again,
   * like a Redis with persistence; without it the restarted server is empty.
   */
  kill(options?: { keepData?: boolean }): Promise<void>;
  /** Starts the server again on the same port (after `kill`). */
  start(): Promise<void>;
  /** Kills the server and removes its directory. */
  close(): Promise<void>;
}

const REDIS_CANDIDATES = ['redis-server', '/usr/bin/redis-server', '/usr/local/bin/redis-server'];

let binaryProbe: { binary: string | undefined } | undefined;

/** The `redis-server` binary, or undefined when it is not installed. */
export function findRedisServer(): string | undefined {
  binaryProbe ??= {
    binary: REDIS_CANDIDATES.find((c) => !spawnSync(c, ['--version'], { stdio: 'ignore' }).error),
  };
  return binaryProbe.binary;
}

let reasonPrinted = false;

/**
 * Why Redis tests must be skipped here (printed once per worker), or undefined when they can run.
 * Synchronous, so it can feed `describe.skipIf` at collection time.
 */
export function testRedisSkipReason(): string | undefined {
  if (findRedisServer() !== undefined) return undefined;
  const reason =
    'Redis tests skipped: no redis-server binary on PATH (install the redis-server package to run them).';
  if (!reasonPrinted) {
    reasonPrinted = true;
    console.warn(reason);
  }
  return reason;
}

function resp(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Sends one command on a fresh connection and resolves with the first reply line (or an error). */
function command(port: number, password: string | undefined, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    let skip = password === undefined ? 0 : 1;
    socket.setTimeout(2_000, () => socket.destroy(new Error('redis-server did not answer')));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write((password === undefined ? '' : resp('AUTH', password)) + resp(...args));
    });
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      for (let end = reply.indexOf('\r\n'); end >= 0; end = reply.indexOf('\r\n')) {
        const line = reply.slice(0, end);
        reply = reply.slice(end + 2);
        if (skip > 0) {
          skip -= 1;
          continue;
        }
        socket.destroy();
        resolve(line);
        return;
      }
    });
  });
}

class RedisProcess implements TestRedis {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'test-redis-'));

  constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly password: string | undefined,
  ) {}

  get url(): string {
    const auth = this.password === undefined ? '' : `:${encodeURIComponent(this.password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly'];
    args.push('no', '--dir', this.dir, '--dbfilename', 'dump.rdb', '--loglevel', 'warning');
    if (this.password !== undefined) args.push('--requirepass', this.password);
    const child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    let exited = false;
    child.once('exit', () => {
      exited = true;
      if (this.child === child) this.child = undefined;
    });
    // Ready means "answers PING" (an auth-required server answers NOAUTH, which is an answer too).
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (exited) throw new Error(`redis-server exited on start: ${stderr.trim()}`);
      const answer = await command(this.port, undefined, 'PING').catch(() => undefined);
      if (answer === '+PONG' || answer?.startsWith('-NOAUTH') === true) return;
      if (Date.now() > deadline) {
        await this.kill();
        throw new Error(`redis-server did not answer PING on ${this.port}: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async kill(options: { keepData?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (options.keepData === true) {
      const saved = await command(this.port, this.password, 'SAVE');
      if (saved !== '+OK') throw new Error(`redis-server SAVE failed: ${saved}`);
    } else {
      rmSync(join(this.dir, 'dump.rdb'), { force: true });
    }
    this.child = undefined;
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Starts `redis-server` on a free port (no persistence) and waits until it answers PING.
 * Resolves undefined when the binary is missing: pair it with `testRedisSkipReason()`.
 */
export async function startTestRedis(
  options: { port?: number; password?: string } = {},
): Promise<TestRedis | undefined> {
  const binary = findRedisServer();
  if (binary === undefined) return undefined;
  const redis = new RedisProcess(binary, options.port ?? (await freePort()), options.password);
  await redis.start();
  return redis;
}
