import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { freePort } from '@app/testing';
import { ROOT } from './bridge-build';

/**
 * The PlaceOS simulator in its own process (`npm run sim`), so that what it measures about its
 * sockets (pending notifies) is not distorted by sharing an event loop with the client.
 */
export class SimulatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly apiKey: string,
  ) {}

  static async start(env: Record<string, string>): Promise<SimulatorProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/placeos-sim/src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        SIM_CHANGES_PER_SECOND: '0',
        ...env,
        SIM_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    const banner: string[] = [];
    const apiKey = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        banner.push(line);
        const key = /API key \(X-API-Key\): (\S+)/.exec(line);
        if (key) resolve(key[1]);
      });
      child.once('exit', (code) =>
        reject(new Error(`simulator exited with ${code}:\n${banner.join('\n')}`)),
      );
    });
    return new SimulatorProcess(child, `http://127.0.0.1:${port}`, apiKey);
  }

  /** Calls a `/_sim/` test control. */
  async control<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/_sim/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`/_sim/${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
