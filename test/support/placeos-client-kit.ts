// Helpers for the PlaceOS client's integration specs: kept out of the library's source tree,
// since they start the simulator.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Simulator } from '@app/placeos-sim';
import pino, { type Logger } from 'pino';
import type {
  JsonValue,
  PlaceOsClient,
  PlaceOsClientOptions,
  StateChange,
} from '@app/placeos-client';

/** A pino logger that keeps every line as an object (for asserting on logs). */
export function capturingLogger(level = 'debug'): {
  logger: Logger;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines };
}

/** Options against a simulator with short intervals, for tests. */
export function simClientOptions(
  sim: Simulator,
  logger: Logger,
  overrides: Partial<PlaceOsClientOptions> = {},
): PlaceOsClientOptions {
  return {
    url: sim.url,
    apiKey: sim.apiKey,
    zones: [],
    shard: { index: 0, count: 1 },
    topologyPollMs: 60_000,
    keyPollMs: 60_000,
    requestTimeoutMs: 2_000,
    logger,
    heartbeatMs: 1_000,
    deadSocketMs: 5_000,
    bindTimeoutMs: 3_000,
    reconnect: { baseMs: 50, maxMs: 500 },
    ...overrides,
  };
}

/** Polls `probe` until it returns something truthy. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Drains `client.changes` like a consumer would, recording every change in order. */
export class ChangeCollector {
  readonly all: StateChange[] = [];
  readonly latest = new Map<string, StateChange>();
  private readonly abort = new AbortController();
  private readonly loop: Promise<void>;

  constructor(client: PlaceOsClient) {
    this.loop = this.run(client);
  }

  /** Changes seen for one key, in order. */
  forKey(key: string): StateChange[] {
    return this.all.filter((c) => changeKey(c) === key);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(client: PlaceOsClient): Promise<void> {
    for (;;) {
      const batch = await client.changes.takeBatch(1000, this.abort.signal);
      if (!batch) return;
      batch.values.forEach((change, i) => {
        this.all.push(change);
        this.latest.set(batch.keys[i], change);
      });
      batch.done();
    }
  }
}

/** The value a change carries, parsed from its JSON text (undefined without a change). */
export function valueIn(change: Pick<StateChange, 'json'> | undefined): JsonValue | undefined {
  return change === undefined ? undefined : (JSON.parse(change.json) as JsonValue);
}

export function changeKey(
  c: Pick<StateChange, 'systemId' | 'moduleName' | 'index' | 'key'>,
): string {
  return `${c.systemId}|${c.moduleName}|${c.index}|${c.key}`;
}

/** What every bound key should read, computed from the simulator's world independently of the client. */
export function expectedState(
  sim: Simulator,
  systemFilter: (id: string) => boolean = () => true,
): Map<string, { value: JsonValue; moduleId: string }> {
  const expected = new Map<string, { value: JsonValue; moduleId: string }>();
  for (const system of sim.world.systems()) {
    const systemId = String(system.id);
    if (!systemFilter(systemId)) continue;
    const counters = new Map<string, number>();
    for (const moduleId of system.modules as string[]) {
      const module = sim.world.module(moduleId);
      if (!module) continue;
      const custom =
        typeof module.custom_name === 'string' && module.custom_name.trim() !== ''
          ? module.custom_name
          : undefined;
      const name = custom ?? String(module.name);
      const index = (counters.get(name) ?? 0) + 1;
      counters.set(name, index);
      for (const [key, text] of Object.entries(sim.world.state(moduleId))) {
        let value: JsonValue;
        try {
          value = JSON.parse(text) as JsonValue;
        } catch {
          value = text;
        }
        expected.set(`${systemId}|${name}|${index}|${key}`, { value, moduleId });
      }
    }
  }
  return expected;
}

/** A forwarding proxy between a client and the simulator. */
export interface RecordingProxy {
  url: string;
  /** `<METHOD|UPGRADE> <path> <Host header>` of everything relayed. */
  hosts: string[];
  /** Stops relaying frames from the server on open WebSockets (the client's pings go unanswered). */
  silence: () => void;
  close: () => Promise<void>;
}

/** A real HTTP + WebSocket-upgrade forwarder that records the Host header of everything it relays. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const hosts: string[] = [];
  const sockets = new Set<net.Socket>();
  const upstreams = new Set<{ client: net.Socket; server: net.Socket }>();
  const server = http.createServer((req, res) => {
    hosts.push(`${req.method} ${req.url?.split('?')[0]} ${req.headers.host}`);
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    hosts.push(`UPGRADE ${req.url} ${req.headers.host}`);
    const out = net.connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      out.write(`${lines.join('\r\n')}\r\n\r\n`);
      out.write(head);
      socket.pipe(out).pipe(socket);
      const pair = { client: socket, server: out };
      upstreams.add(pair);
      out.on('close', () => upstreams.delete(pair));
    });
    for (const s of [socket, out]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hosts,
    silence: () => {
      for (const pair of upstreams) pair.server.unpipe(pair.client);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
