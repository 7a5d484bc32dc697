import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@app/testing';
import { BRIDGE_MAIN, ROOT } from './bridge-build';

/** A built bridge running in its own process, as `npm start` and the container run it. */
export class BridgeProcess {
  /** Every log line the process wrote (pino JSON on stdout, anything else on stderr). */
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        this.lines.push(...parts.filter((line) => line !== ''));
      });
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  static async start(env: Record<string, string>): Promise<BridgeProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [BRIDGE_MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env, HTTP_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BridgeProcess(child, `http://127.0.0.1:${port}`);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** GET /health/ready's status, or 0 when nothing answers. */
  async readiness(): Promise<{ status: number; body: unknown }> {
    try {
      const response = await fetch(`${this.url}/health/ready`);
      return { status: response.status, body: await response.json() };
    } catch {
      return { status: 0, body: undefined };
    }
  }

  /** Polls readiness until it answers 200 (the process logs are in the error otherwise). */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline && !exited) {
      if ((await this.readiness()).status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `bridge at ${this.url} not ready (${exited ? 'exited' : 'timed out'}); last log lines:\n` +
        this.lines.slice(-15).join('\n'),
    );
  }

  /** Sends a real SIGTERM; resolves with how the process ended. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  /** Log entries (parsed pino lines) whose message contains `text`. */
  logged(text: string): Array<Record<string, unknown>> {
    const found: Array<Record<string, unknown>> = [];
    for (const line of this.lines) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (typeof entry.msg === 'string' && entry.msg.includes(text)) found.push(entry);
    }
    return found;
  }

  /** Ends the process whatever its state (test clean-up). */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async request(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }
}
