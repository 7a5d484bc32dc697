import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { freePort } from './free-port';

export type TestBrokerKind = 'mosquitto' | 'aedes';

/**
 * A real MQTT broker on a free loopback port, for tests and the demo.
 * Restarting it loses every retained message, as a real broker without persistence does,
 * so tests of "re-publish after reconnect" cannot pass by accident.
 */
export interface TestBroker {
  readonly kind: TestBrokerKind;
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

const MOSQUITTO_CANDIDATES = ['mosquitto', '/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto'];

function findMosquitto(): string | undefined {
  for (const candidate of MOSQUITTO_CANDIDATES) {
    const probe = spawnSync(candidate, ['-h'], { stdio: 'ignore' });
    // mosquitto -h exits 3 after printing help; ENOENT means not installed.
    if (!probe.error) return candidate;
  }
  return undefined;
}

/** `TEST_BROKER=aedes|mosquitto` forces one kind; by default mosquitto when installed. */
export function preferredBrokerKind(): TestBrokerKind {
  const forced = process.env.TEST_BROKER;
  if (forced === 'aedes' || forced === 'mosquitto') return forced;
  return findMosquitto() ? 'mosquitto' : 'aedes';
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`broker did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

class MosquittoBroker implements TestBroker {
  readonly kind = 'mosquitto' as const;
  private child?: ChildProcess;
  private readonly configPath: string;

  constructor(
    private readonly binary: string,
    readonly port: number,
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'mosq-'));
    this.configPath = join(dir, 'mosquitto.conf');
    writeFileSync(
      this.configPath,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence false',
        'max_queued_messages 100000',
        'log_dest none',
      ].join('\n') + '\n',
    );
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.binary, ['-c', this.configPath], { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitForPort(this.port, 5000);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

class AedesBroker implements TestBroker {
  readonly kind = 'aedes' as const;
  private aedes?: Aedes;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const aedes = await Aedes.createBroker();
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      aedes.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.aedes = aedes;
    this.server = server;
  }

  async stop(): Promise<void> {
    const { server, aedes } = this;
    if (!server || !aedes) return;
    this.server = undefined;
    this.aedes = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/** Starts a broker on a free port (or `port`), mosquitto when installed, else in-process Aedes. */
export async function startTestBroker(
  options: { kind?: TestBrokerKind; port?: number } = {},
): Promise<TestBroker> {
  const kind = options.kind ?? preferredBrokerKind();
  const port = options.port ?? (await freePort());
  let broker: TestBroker;
  if (kind === 'mosquitto') {
    const binary = findMosquitto();
    if (!binary) throw new Error('mosquitto is not installed');
    broker = new MosquittoBroker(binary, port);
  } else {
    broker = new AedesBroker(port);
  }
  await broker.start();
  return broker;
}
