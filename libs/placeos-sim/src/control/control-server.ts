import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { SimPrincipal } from '../auth/sim-auth';
import { SeededRandom } from '../world/seeded-random';
import { SimWorld } from '../world/sim-world';
import { WorldListener } from '../world/world-listener';
import { ControlRequest, parseControlRequest } from './control-request';
import { ControlResponse, ERROR_CODE, encodeControlResponse, encodeMeta } from './control-response';

/** Settings for the control socket server. */
export interface ControlServerOptions {
  seed: number;
  /** Interval of the unsolicited `pong` frame sent to every session (PlaceOS: 80 s). */
  pongIntervalMs: number;
  /** Chance that a bind's initial notify is sent before its success (PlaceOS does not order them). */
  notifyFirstProbability?: number;
}

interface Binding {
  readonly session: ControlSession;
  readonly id: number;
  readonly sys: string;
  readonly mod: string;
  readonly index: number;
  readonly name: string;
  readonly meta: string;
  readonly sessionKey: string;
  moduleId: string | undefined;
}

class ControlSession {
  readonly bindings = new Map<string, Binding>();
  constructor(
    readonly socket: WebSocket,
    readonly principal: SimPrincipal,
  ) {}

  send(text: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
  }
}

function moduleKey(moduleId: string, name: string): string {
  return `${moduleId}\u0000${name}`;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/** `/api/engine/v2/systems/control`: rest-api's session semantics over a `ws` server. */
export class ControlServer implements WorldListener {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Set<ControlSession>();
  private readonly byModuleKey = new Map<string, Set<Binding>>();
  private readonly bySystem = new Map<string, Set<Binding>>();
  private readonly random: SeededRandom;
  private readonly notifyFirstProbability: number;
  private readonly pongTimer: NodeJS.Timeout;
  private bindingTotal = 0;

  constructor(
    private readonly world: SimWorld,
    options: ControlServerOptions,
  ) {
    this.random = new SeededRandom(options.seed ^ 0x5bd1e995);
    this.notifyFirstProbability = options.notifyFirstProbability ?? 0.3;
    this.pongTimer = setInterval(() => this.broadcast('pong'), options.pongIntervalMs);
    this.pongTimer.unref();
  }

  /** Completes an authenticated upgrade. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, principal: SimPrincipal): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, principal));
  }

  /** Number of open control sockets. */
  socketCount(): number {
    return this.sessions.size;
  }

  /** Number of live bindings across sessions. */
  bindingCount(): number {
    return this.bindingTotal;
  }

  /** Closes every socket without a close frame; returns how many there were. */
  dropSockets(): number {
    const sessions = [...this.sessions];
    for (const s of sessions) {
      s.socket.terminate();
      this.cleanup(s);
    }
    return sessions.length;
  }

  /** Sends a text frame verbatim to every socket; returns how many got it. */
  broadcast(text: string): number {
    for (const s of this.sessions) s.send(text);
    return this.sessions.size;
  }

  /** Stops the heartbeat and closes every socket. */
  close(): void {
    clearInterval(this.pongTimer);
    this.dropSockets();
    this.wss.close();
  }

  /** Redis `status/<mod>/<key>` publish: notify every binding on that key with the raw text. */
  stateChanged(moduleId: string, key: string, text: string | null): void {
    const bindings = this.byModuleKey.get(moduleKey(moduleId, key));
    if (bindings === undefined) return;
    for (const b of bindings) this.notify(b, text ?? 'null');
  }

  /** `lookup-change`: re-resolve the system's bindings and deliver the newly mapped module's value. */
  lookupChanged(systemId: string): void {
    const bindings = this.bySystem.get(systemId);
    if (bindings === undefined) return;
    for (const b of [...bindings]) {
      const next = this.world.resolveModule(b.sys, b.mod, b.index);
      if (next === b.moduleId) continue;
      if (b.moduleId !== undefined) removeFrom(this.byModuleKey, moduleKey(b.moduleId, b.name), b);
      b.moduleId = next;
      if (next !== undefined) addTo(this.byModuleKey, moduleKey(next, b.name), b);
      const value = next === undefined ? undefined : this.world.rawState(next, b.name);
      this.notify(b, value ?? 'null');
    }
  }

  private onConnection(ws: WebSocket, principal: SimPrincipal): void {
    const session = new ControlSession(ws, principal);
    this.sessions.add(session);
    ws.on('error', () => undefined);
    ws.on('close', () => this.cleanup(session));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
      if (text === 'ping') {
        session.send('pong');
        return;
      }
      const request = parseControlRequest(text);
      if (request !== undefined) this.handle(session, request);
    });
  }

  private handle(session: ControlSession, req: ControlRequest): void {
    switch (req.cmd) {
      case 'bind':
        this.bind(session, req);
        return;
      case 'unbind':
        this.unbind(session, req);
        return;
      case 'exec':
        this.exec(session, req);
        return;
      case 'debug':
      case 'ignore':
        this.reply(session, { id: req.id, type: 'success' });
        return;
    }
  }

  private isProtected(session: ControlSession, req: ControlRequest): boolean {
    return req.mod.startsWith('_') && session.principal.permissions === 'user';
  }

  private bind(session: ControlSession, req: ControlRequest): void {
    if (this.isProtected(session, req)) {
      this.reply(session, {
        id: req.id,
        type: 'error',
        msg: 'attempted to access protected module',
        errorCode: ERROR_CODE.accessDenied,
        code: 500,
      });
      return;
    }
    const meta = encodeMeta(req.sys, req.mod, req.index, req.name);
    const sessionKey = `${req.sys}\u0000${req.mod}\u0000${req.index}\u0000${req.name}`;
    if (session.bindings.has(sessionKey)) {
      this.reply(session, { id: req.id, type: 'success', meta });
      return;
    }
    const moduleId = this.world.resolveModule(req.sys, req.mod, req.index);
    const binding: Binding = {
      session,
      id: req.id,
      sys: req.sys,
      mod: req.mod,
      index: req.index,
      name: req.name,
      meta,
      sessionKey,
      moduleId,
    };
    session.bindings.set(sessionKey, binding);
    this.bindingTotal += 1;
    addTo(this.bySystem, req.sys, binding);
    if (moduleId !== undefined) addTo(this.byModuleKey, moduleKey(moduleId, req.name), binding);
    const value = moduleId === undefined ? undefined : this.world.rawState(moduleId, req.name);
    if (value !== undefined && this.random.chance(this.notifyFirstProbability)) {
      this.notify(binding, value);
      this.reply(session, { id: req.id, type: 'success', meta });
      return;
    }
    this.reply(session, { id: req.id, type: 'success', meta });
    if (value !== undefined) this.notify(binding, value);
  }

  private unbind(session: ControlSession, req: ControlRequest): void {
    const sessionKey = `${req.sys}\u0000${req.mod}\u0000${req.index}\u0000${req.name}`;
    const binding = session.bindings.get(sessionKey);
    if (binding !== undefined) this.removeBinding(binding);
    this.reply(session, { id: req.id, type: 'success' });
  }

  private exec(session: ControlSession, req: ControlRequest): void {
    if (this.isProtected(session, req)) {
      this.reply(session, {
        id: req.id,
        type: 'error',
        msg: 'attempted to access protected module',
        errorCode: ERROR_CODE.accessDenied,
        code: 500,
      });
      return;
    }
    const moduleId = this.world.resolveModule(req.sys, req.mod, req.index);
    if (moduleId === undefined) {
      this.reply(session, {
        id: req.id,
        type: 'error',
        msg: `could not find module ${req.mod}_${req.index}`,
        errorCode: ERROR_CODE.moduleNotFound,
        code: 500,
      });
      return;
    }
    this.reply(session, {
      id: req.id,
      type: 'success',
      value: 'null',
      meta: encodeMeta(req.sys, req.mod, req.index, req.name),
      code: 200,
    });
  }

  private notify(b: Binding, value: string): void {
    this.reply(b.session, { id: b.id, type: 'notify', value, meta: b.meta });
  }

  private reply(session: ControlSession, response: ControlResponse): void {
    session.send(encodeControlResponse(response));
  }

  private removeBinding(b: Binding): void {
    if (!b.session.bindings.delete(b.sessionKey)) return;
    this.bindingTotal -= 1;
    removeFrom(this.bySystem, b.sys, b);
    if (b.moduleId !== undefined) removeFrom(this.byModuleKey, moduleKey(b.moduleId, b.name), b);
  }

  private cleanup(session: ControlSession): void {
    if (!this.sessions.delete(session)) return;
    for (const b of [...session.bindings.values()]) this.removeBinding(b);
  }
}
