import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { AUTHORITY_NOT_FOUND, authorityFound } from './auth/authority-domain';
import { SimAuth, SimAuthOptions } from './auth/sim-auth';
import { ControlServer } from './control/control-server';
import { FaultInjector } from './http/fault-injector';
import { HttpExchange, sendError, sendJson } from './http/http-exchange';
import { handleTokenRequest, TOKEN_PATH } from './http/oauth-route';
import { API_BASE, PlaceOsRoutes } from './http/placeos-routes';
import { SIM_PREFIX, SimControlRoutes } from './http/sim-control-routes';
import { RedisMirror } from './redis/redis-mirror';
import { generatePortfolio, PortfolioOptions } from './world/portfolio-generator';
import { RandomStateChanger } from './world/random-state-changer';
import { SeededRandom } from './world/seeded-random';
import { SimWorld } from './world/sim-world';

/** Path of the control WebSocket. */
export const CONTROL_PATH = `${API_BASE}/systems/control`;

/** Options for `startSimulator`; the credentials and token lifetime are `SimAuth`'s. */
export interface SimulatorOptions extends Omit<SimAuthOptions, 'audience'> {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: number;
  portfolio?: PortfolioOptions;
  /** Random state changes per second (default 0). */
  changesPerSecond?: number;
  /** Unsolicited `pong` interval (default 80 000 like PlaceOS). */
  pongIntervalMs?: number;
  /** Chance that a bind's initial notify precedes its success (default 0.3). */
  notifyFirstProbability?: number;
  /**
   * The authority's domain (PlaceOS `Authority.domain`, the tokens' `aud`). When set, REST
   * routes and the control socket answer 401 `authority not found` to any other Host, and the
   * password grant finds no user, as PlaceOS does (placeos-api.md §1.1). Unset: any Host.
   */
  domain?: string;
  /**
   * Also mirror the world into this Redis (`redis://[:password@]host:port[/db]`, `rediss://`) as
   * PlaceOS does: `status/<mod>` hashes with PUBLISH `status/<mod>/<key>`, `system/<sys>` lookups
   * with PUBLISH `lookup-change`. Keys have no namespace, so give each simulator its own Redis.
   */
  redisUrl?: string;
}

/** A running simulator. */
export interface Simulator {
  /** e.g. http://127.0.0.1:43123 (no trailing slash). */
  readonly url: string;
  readonly apiKey: string;
  readonly user: { email: string; password: string };
  readonly oauthClient: { clientId: string; clientSecret: string };
  readonly world: SimWorld;
  /** Closes sockets and the server (and waits until Redis has every change, with `redisUrl`). */
  close(): Promise<void>;
}

function validateOptions(options: SimulatorOptions): void {
  const check = (value: number | undefined, name: string, min: number): void => {
    if (value !== undefined && (!Number.isFinite(value) || value < min))
      throw new RangeError(`${name} must be a number >= ${min}`);
  };
  check(options.changesPerSecond, 'changesPerSecond', 0);
  check(options.pongIntervalMs, 'pongIntervalMs', 10);
  check(options.accessTokenTtlSeconds, 'accessTokenTtlSeconds', 0);
  check(options.notifyFirstProbability, 'notifyFirstProbability', 0);
  if (options.notifyFirstProbability !== undefined && options.notifyFirstProbability > 1)
    throw new RangeError('notifyFirstProbability must be <= 1');
}

const AUTHORITY_PATH = '/auth/authority';

/** `GET /auth/authority` as PlaceOS/auth answers it (ts-client reads it before anything else). */
function authorityJson(host: string): Record<string, unknown> {
  return {
    id: 'authority-SimAuth001',
    name: 'PlaceOS Simulator',
    description: '',
    domain: host,
    login_url: '/login?continue={{url}}',
    logout_url: '/auth/logout',
    config: {},
    version: 'v2.0.0',
    session: false,
    token_valid: false,
    production: false,
  };
}

function rejectUpgrade(socket: Duplex, status: number, reason: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Starts a PlaceOS simulator (REST, OAuth, control WebSocket, `/_sim/` test controls) on `host:port`. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  validateOptions(options);
  const seed = options.portfolio?.seed ?? options.seed ?? 1;
  const world = new SimWorld(generatePortfolio({ ...options.portfolio, seed }));
  const mirror =
    options.redisUrl === undefined ? undefined : new RedisMirror(world, options.redisUrl);
  try {
    await mirror?.start();
  } catch (error) {
    await mirror?.close();
    throw error;
  }
  const auth = new SimAuth({
    apiKey: options.apiKey,
    apiKeyPermissions: options.apiKeyPermissions,
    userPermissions: options.userPermissions,
    user: options.user,
    oauthClient: options.oauthClient,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    audience: options.domain,
  });
  const domain = options.domain;
  const control = new ControlServer(world, {
    seed,
    pongIntervalMs: options.pongIntervalMs ?? 80_000,
    notifyFirstProbability: options.notifyFirstProbability,
  });
  world.addListener(control);
  const faults = new FaultInjector();
  const changer = new RandomStateChanger(
    world,
    new SeededRandom(seed ^ 0x2545f491),
    options.changesPerSecond ?? 0,
  );
  const placeos = new PlaceOsRoutes(world, auth, (host) => authorityFound(domain, host));
  const simRoutes = new SimControlRoutes(world);
  const hung = new Set<Duplex>();

  world.attachRuntime({
    dropSockets: () => control.dropSockets(),
    setPaused: (paused) => changer.setPaused(paused),
    injectFault: (fault) => faults.add(fault),
    sendRawFrame: (text) => control.broadcast(text),
    expireAccessTokens: () => auth.expireAll(),
    socketCount: () => control.socketCount(),
    bindingCount: () => control.bindingCount(),
    pressure: () => control.pressure(),
    resetPressure: () => control.resetPressure(),
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://placeos-sim');
    } catch {
      res.statusCode = 400;
      res.end();
      return;
    }
    const requested = req.headers['x-request-id'];
    const requestId =
      typeof requested === 'string' && requested !== '' && requested.length <= 200
        ? requested
        : randomUUID();
    const ex: HttpExchange = { req, res, url, requestId, truncate: false };
    const path = url.pathname;
    if (path.startsWith(SIM_PREFIX)) {
      simRoutes.handle(ex).catch(() => ex.res.destroy());
      return;
    }
    const fault = faults.take(path);
    if (fault === 'hang') {
      hung.add(req.socket);
      req.socket.once('close', () => hung.delete(req.socket));
      return;
    }
    if (fault === 'status500') return sendError(ex, 500, 'injected fault');
    if (fault === 'status401') return sendError(ex, 401, 'injected fault');
    ex.truncate = fault === 'truncate';
    if (path === TOKEN_PATH) {
      handleTokenRequest(ex, auth, authorityFound(domain, req.headers.host)).catch(() =>
        ex.res.destroy(),
      );
      return;
    }
    if (path === AUTHORITY_PATH && req.method === 'GET') {
      sendJson(ex, 200, authorityJson(domain ?? req.headers.host ?? 'localhost'));
      return;
    }
    if (path === API_BASE || path.startsWith(`${API_BASE}/`)) {
      placeos.handle(ex);
      return;
    }
    sendError(ex, 404, 'Not Found');
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://placeos-sim');
    } catch {
      rejectUpgrade(socket, 400, 'Bad Request', '{"error":"bad request"}');
      return;
    }
    if (url.pathname !== CONTROL_PATH) {
      rejectUpgrade(socket, 404, 'Not Found', '{"error":"Not Found"}');
      return;
    }
    const fault = faults.take(url.pathname);
    if (fault === 'hang') {
      hung.add(socket);
      socket.once('close', () => hung.delete(socket));
      return;
    }
    if (fault === 'truncate') {
      socket.destroy();
      return;
    }
    if (fault === 'status500')
      return rejectUpgrade(socket, 500, 'Internal Server Error', '{"error":"injected fault"}');
    if (fault === 'status401')
      return rejectUpgrade(socket, 401, 'Unauthorized', '{"error":"injected fault"}');
    const result = auth.authenticate({ headers: req.headers, query: url.searchParams });
    if (!result.ok)
      return rejectUpgrade(socket, 401, 'Unauthorized', JSON.stringify({ error: result.error }));
    if (!authorityFound(domain, req.headers.host))
      return rejectUpgrade(
        socket,
        401,
        'Unauthorized',
        JSON.stringify({ error: AUTHORITY_NOT_FOUND }),
      );
    control.handleUpgrade(req, socket, head, result.principal);
  };

  // A bug in a route must answer 500 (or drop the upgrade), never take the process down.
  const server: Server = createServer((req, res) => {
    try {
      onRequest(req, res);
    } catch {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end('{"error":"internal simulator error"}');
      } else res.destroy();
    }
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      onUpgrade(req, socket, head);
    } catch {
      socket.destroy();
    }
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    control.close();
    await mirror?.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  changer.start();

  let closed: Promise<void> | undefined;
  return {
    url,
    apiKey: auth.apiKey,
    user: auth.user,
    oauthClient: auth.oauthClient,
    world,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        changer.stop();
        control.close();
        world.attachRuntime(undefined);
        for (const s of hung) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => mirror?.close());
      return closed;
    },
  };
}
