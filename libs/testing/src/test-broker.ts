import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { freePort } from './free-port';

export type TestBrokerKind = 'mosquitto' | 'aedes';

/** A TLS listener's PEM files (see createTestCertificates). */
export interface TestBrokerTls {
  ca: string;
  cert: string;
  key: string;
  /** Only clients presenting a certificate signed by `ca` may connect (mTLS). */
  requireCertificate?: boolean;
}

export interface TestBrokerOptions {
  kind?: TestBrokerKind;
  /** The plain mqtt:// listener's port; default a free one. */
  port?: number;
  /** Adds an mqtts:// listener (mosquitto only). */
  tls?: TestBrokerTls;
  /** Adds a ws:// listener, and wss:// when `tls` is set (mosquitto only). */
  websockets?: boolean;
  /** Extra global mosquitto.conf lines, e.g. `max_inflight_messages 5` (mosquitto only). */
  settings?: string[];
  /** Lines added to every listener, e.g. `max_topic_alias 0` (mosquitto only). */
  listenerSettings?: string[];
  /** Keeps mosquitto's connection log, so `clientIds()` can say who connected (mosquitto only). */
  logConnections?: boolean;
}

/** Every listener of a test broker; the plain one always exists (recorders use it). */
export interface TestBrokerUrls {
  mqtt: string;
  mqtts?: string;
  ws?: string;
  wss?: string;
}

/**
 * A real MQTT broker on a free loopback port, for tests and the demo.
 * Restarting it loses every retained message, as a real broker without persistence does,
 * so tests of "re-publish after reconnect" cannot pass by accident.
 */
export interface TestBroker {
  readonly kind: TestBrokerKind;
  readonly port: number;
  readonly url: string;
  readonly urls: TestBrokerUrls;
  /** Client ids the broker accepted, in order (needs `logConnections`; empty otherwise). */
  clientIds(): string[];
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

const MOSQUITTO_CANDIDATES = ['mosquitto', '/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto'];
const MOSQUITTO_SUB_CANDIDATES = [
  'mosquitto_sub',
  '/usr/bin/mosquitto_sub',
  '/usr/local/bin/mosquitto_sub',
];

function findBinary(candidates: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-h'], { stdio: 'ignore' });
    // Both exit non-zero after printing help or a usage error; ENOENT means not installed.
    if (!probe.error) return candidate;
  }
  return undefined;
}

function findMosquitto(): string | undefined {
  return findBinary(MOSQUITTO_CANDIDATES);
}

/** mosquitto_sub, which stamps arrivals with nanosecond times (see recordArrivals). */
export function findMosquittoSub(): string | undefined {
  return findBinary(MOSQUITTO_SUB_CANDIDATES);
}

/** `TEST_BROKER=aedes|mosquitto` forces one kind; by default mosquitto when installed. */
export function preferredBrokerKind(): TestBrokerKind {
  const forced = process.env.TEST_BROKER;
  if (forced === 'aedes' || forced === 'mosquitto') return forced;
  return findMosquitto() ? 'mosquitto' : 'aedes';
}

/** Why mosquitto-only tests (TLS, WebSockets, MQTT 5) cannot run here, or undefined. */
export function mosquittoSkipReason(): string | undefined {
  return findMosquitto() ? undefined : 'mosquitto is not installed (apt-get install mosquitto)';
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

interface MosquittoListeners {
  mqtt: number;
  mqtts?: number;
  ws?: number;
  wss?: number;
}

function tlsLines(tls: TestBrokerTls): string[] {
  return [
    `cafile ${tls.ca}`,
    `certfile ${tls.cert}`,
    `keyfile ${tls.key}`,
    `require_certificate ${tls.requireCertificate === true}`,
  ];
}

function mosquittoConfig(ports: MosquittoListeners, options: TestBrokerOptions): string {
  const perListener = options.listenerSettings ?? [];
  const lines = [
    'allow_anonymous true',
    'persistence false',
    'max_queued_messages 100000',
    ...(options.logConnections ? ['log_dest stderr', 'log_type notice'] : ['log_dest none']),
    ...(options.settings ?? []),
    `listener ${ports.mqtt} 127.0.0.1`,
    ...perListener,
  ];
  if (ports.mqtts !== undefined && options.tls) {
    lines.push(`listener ${ports.mqtts} 127.0.0.1`, ...tlsLines(options.tls), ...perListener);
  }
  if (ports.ws !== undefined) {
    lines.push(`listener ${ports.ws} 127.0.0.1`, 'protocol websockets', ...perListener);
  }
  if (ports.wss !== undefined && options.tls) {
    // mosquitto's websockets listeners take only the file options, not require_certificate.
    const { ca, cert, key } = options.tls;
    lines.push(
      `listener ${ports.wss} 127.0.0.1`,
      'protocol websockets',
      ...tlsLines({ ca, cert, key }).slice(0, 3),
      ...perListener,
    );
  }
  return `${lines.join('\n')}\n`;
}

const CLIENT_CONNECTED = /New client connected from \S+ as (\S+) \(/;

class MosquittoBroker implements TestBroker {
  readonly kind = 'mosquitto' as const;
  private child?: ChildProcess;
  private readonly configPath: string;
  private readonly connected: string[] = [];

  constructor(
    private readonly binary: string,
    private readonly ports: MosquittoListeners,
    options: TestBrokerOptions,
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'mosq-'));
    this.configPath = join(dir, 'mosquitto.conf');
    writeFileSync(this.configPath, mosquittoConfig(ports, options));
  }

  get port(): number {
    return this.ports.mqtt;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.ports.mqtt}`;
  }

  get urls(): TestBrokerUrls {
    const { mqtts, ws, wss } = this.ports;
    return {
      mqtt: this.url,
      ...(mqtts !== undefined ? { mqtts: `mqtts://127.0.0.1:${mqtts}` } : {}),
      ...(ws !== undefined ? { ws: `ws://127.0.0.1:${ws}` } : {}),
      ...(wss !== undefined ? { wss: `wss://127.0.0.1:${wss}` } : {}),
    };
  }

  clientIds(): string[] {
    return [...this.connected];
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.binary, ['-c', this.configPath], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    let pending = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = CLIENT_CONNECTED.exec(line);
        if (match) this.connected.push(match[1]);
      }
    });
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    const ports = Object.values(this.ports).filter((p): p is number => p !== undefined);
    await Promise.all(ports.map((port) => waitForPort(port, 5000)));
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

  get urls(): TestBrokerUrls {
    return { mqtt: this.url };
  }

  clientIds(): string[] {
    return [];
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

function needsMosquitto(options: TestBrokerOptions): boolean {
  return (
    options.tls !== undefined ||
    options.websockets === true ||
    (options.settings?.length ?? 0) > 0 ||
    (options.listenerSettings?.length ?? 0) > 0 ||
    options.logConnections === true
  );
}

/**
 * Starts a broker on a free port (or `port`), mosquitto when installed, else in-process Aedes.
 * TLS, WebSocket listeners and mosquitto settings need mosquitto (an error otherwise).
 */
export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const kind = options.kind ?? (needsMosquitto(options) ? 'mosquitto' : preferredBrokerKind());
  const port = options.port ?? (await freePort());
  let broker: TestBroker;
  if (kind === 'mosquitto') {
    const binary = findMosquitto();
    if (!binary) throw new Error('mosquitto is not installed');
    const taken = new Set([port]);
    const another = async (): Promise<number> => {
      for (;;) {
        const candidate = await freePort();
        if (taken.has(candidate)) continue;
        taken.add(candidate);
        return candidate;
      }
    };
    const ports: MosquittoListeners = { mqtt: port };
    if (options.tls) ports.mqtts = await another();
    if (options.websockets) ports.ws = await another();
    if (options.websockets && options.tls) ports.wss = await another();
    broker = new MosquittoBroker(binary, ports, options);
  } else {
    if (needsMosquitto(options)) throw new Error('TLS, WebSockets and settings need mosquitto');
    broker = new AedesBroker(port);
  }
  await broker.start();
  return broker;
}
