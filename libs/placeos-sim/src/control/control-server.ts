import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { SimPrincipal } from '../auth/sim-auth';
import { addTo, removeFrom } from '../util/set-map';
import { SeededRandom } from '../world/seeded-random';
import { SimWorld } from '../world/sim-world';
import { SimPressure, WorldListener } from '../world/world-listener';
import { ControlRequest, parseControlRequest } from './control-request';
import { ControlResponse, ERROR_CODE, encodeControlResponse, encodeMeta } from './control-response';
import { ControlSession, PressurePeak, SlotGroup } from './control-session';
import { frameText } from './frame-text';

/** Settings for the control socket server. */
export interface ControlServerOptions {
  seed: number;
  /** Interval of the unsolicited `pong` frame sent to every session (PlaceOS: 80 s). */
  pongIntervalMs: number;
  /** Chance that a bind's initial notify is sent before its success (PlaceOS does not order them). */
  notifyFirstProbability?: number;
}

/** Bind and unbind must find the same slot group: one per `(sys, mod, index)` in a session. */
function groupKey(req: ControlRequest): string {
  return `${req.sys}\u0000${req.mod}\u0000${req.index}`;
}

/** Shares repeated strings (system ids, module and status names) between bindings; bounded. */
class StringInterner {
  private readonly table = new Map<string, string>();
  constructor(private readonly limit: number) {}

  intern(text: string): string {
    const known = this.table.get(text);
    if (known !== undefined) return known;
    if (this.table.size < this.limit) this.table.set(text, text);
    return text;
  }
}

/** `/api/engine/v2/systems/control`: rest-api's session semantics over a `ws` server. */
export class ControlServer implements WorldListener {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  private readonly sessions = new Set<ControlSession>();
  private readonly byModule = new Map<string, Set<SlotGroup>>();
  private readonly bySystem = new Map<string, Set<SlotGroup>>();
  private readonly strings = new StringInterner(200_000);
  private readonly random: SeededRandom;
  private readonly notifyFirstProbability: number;
  private readonly pongTimer: NodeJS.Timeout;
  private readonly peak: PressurePeak = { notifies: 0, frames: 0 };
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

  /** Pending frames per open socket and the maxima since start or `resetPressure()`. */
  pressure(): SimPressure {
    return {
      sockets: [...this.sessions].map((s) => s.pressure()),
      maxPendingNotifies: this.peak.notifies,
      maxPendingFrames: this.peak.frames,
    };
  }

  /** Restarts every maximum from the current pending counts. */
  resetPressure(): void {
    this.peak.notifies = 0;
    this.peak.frames = 0;
    for (const s of this.sessions) s.resetPressure();
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
    const groups = this.byModule.get(moduleId);
    if (groups === undefined) return;
    for (const g of groups) {
      const id = g.bindings.get(key);
      if (id !== undefined) this.notify(g, id, key, text ?? 'null');
    }
  }

  /** `lookup-change`: re-resolve the system's bindings and deliver the newly mapped module's values. */
  lookupChanged(systemId: string): void {
    const groups = this.bySystem.get(systemId);
    if (groups === undefined) return;
    for (const g of [...groups]) {
      const next = this.world.resolveModule(g.sys, g.mod, g.index);
      if (next === g.moduleId) continue;
      if (g.moduleId !== undefined) removeFrom(this.byModule, g.moduleId, g);
      g.moduleId = next;
      if (next !== undefined) addTo(this.byModule, next, g);
      // As PlaceOS: after a remap the value is delivered only if the newly mapped module has
      // the key (placeos-api.md §3, bind semantics 3); nothing is sent otherwise.
      if (next === undefined) continue;
      for (const [name, id] of g.bindings) {
        const value = this.world.rawState(next, name);
        if (value !== undefined) this.notify(g, id, name, value);
      }
    }
  }

  private onConnection(ws: WebSocket, principal: SimPrincipal): void {
    const session = new ControlSession(ws, principal, this.peak);
    this.sessions.add(session);
    ws.on('error', () => undefined);
    ws.on('close', () => this.cleanup(session));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = frameText(data);
      if (text === 'ping') {
        session.send('pong');
        return;
      }
      const request = parseControlRequest(text);
      if (request === undefined) return;
      try {
        this.handle(session, request);
      } catch {
        // Like rest-api, a failure while handling one request must not end the session.
        this.replyError(session, request.id, 'unexpected failure', ERROR_CODE.unexpectedFailure);
      }
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

  /** A `user` may not bind or exec `_`-prefixed modules: answers access denied and returns true. */
  private refusedProtected(session: ControlSession, req: ControlRequest): boolean {
    if (!req.mod.startsWith('_') || session.principal.permissions !== 'user') return false;
    this.replyError(
      session,
      req.id,
      'attempted to access protected module',
      ERROR_CODE.accessDenied,
    );
    return true;
  }

  private bind(session: ControlSession, req: ControlRequest): void {
    if (this.refusedProtected(session, req)) return;
    const meta = encodeMeta(req.sys, req.mod, req.index, req.name);
    const group = this.group(session, req);
    // A repeated bind in the same session is acknowledged without re-sending the value (`has_binding?`).
    if (group.bindings.has(req.name)) {
      this.reply(session, { id: req.id, type: 'success', meta });
      return;
    }
    group.bindings.set(this.strings.intern(req.name), req.id);
    this.bindingTotal += 1;
    session.bindings += 1;
    const value =
      group.moduleId === undefined ? undefined : this.world.rawState(group.moduleId, req.name);
    if (value !== undefined && this.random.chance(this.notifyFirstProbability)) {
      this.notify(group, req.id, req.name, value);
      this.reply(session, { id: req.id, type: 'success', meta });
      return;
    }
    this.reply(session, { id: req.id, type: 'success', meta });
    if (value !== undefined) this.notify(group, req.id, req.name, value);
  }

  private group(session: ControlSession, req: ControlRequest): SlotGroup {
    const slotKey = groupKey(req);
    let group = session.groups.get(slotKey);
    if (group === undefined) {
      const sys = this.strings.intern(req.sys);
      group = {
        session,
        sys,
        mod: this.strings.intern(req.mod),
        index: req.index,
        slotKey,
        moduleId: this.world.resolveModule(req.sys, req.mod, req.index),
        bindings: new Map(),
      };
      session.groups.set(slotKey, group);
      addTo(this.bySystem, sys, group);
      if (group.moduleId !== undefined) addTo(this.byModule, group.moduleId, group);
    }
    return group;
  }

  private unbind(session: ControlSession, req: ControlRequest): void {
    const group = session.groups.get(groupKey(req));
    if (group?.bindings.delete(req.name) === true) {
      this.bindingTotal -= 1;
      session.bindings -= 1;
      if (group.bindings.size === 0) this.removeGroup(group);
    }
    this.reply(session, { id: req.id, type: 'success' });
  }

  private exec(session: ControlSession, req: ControlRequest): void {
    if (this.refusedProtected(session, req)) return;
    const moduleId = this.world.resolveModule(req.sys, req.mod, req.index);
    if (moduleId === undefined) {
      this.replyError(
        session,
        req.id,
        `could not find module ${req.mod}_${req.index}`,
        ERROR_CODE.moduleNotFound,
      );
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

  private notify(g: SlotGroup, id: number, name: string, value: string): void {
    this.reply(g.session, {
      id,
      type: 'notify',
      value,
      meta: encodeMeta(g.sys, g.mod, g.index, name),
    });
  }

  private reply(session: ControlSession, response: ControlResponse): void {
    session.send(encodeControlResponse(response), response.type === 'notify');
  }

  /** Session errors carry `code: 500` beside `error_code`, as rest-api sends them (placeos-api.md §3). */
  private replyError(session: ControlSession, id: number, msg: string, errorCode: number): void {
    this.reply(session, { id, type: 'error', msg, errorCode, code: 500 });
  }

  private removeGroup(g: SlotGroup): void {
    g.session.groups.delete(g.slotKey);
    removeFrom(this.bySystem, g.sys, g);
    if (g.moduleId !== undefined) removeFrom(this.byModule, g.moduleId, g);
  }

  private cleanup(session: ControlSession): void {
    if (!this.sessions.delete(session)) return;
    for (const g of [...session.groups.values()]) {
      this.bindingTotal -= g.bindings.size;
      this.removeGroup(g);
    }
    session.bindings = 0;
  }
}
