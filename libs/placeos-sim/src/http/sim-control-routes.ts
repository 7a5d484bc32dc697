import { isStringArray, requireText } from '../world/input-checks';
import { SimInputError, SimNotFoundError } from '../world/sim-errors';
import { SimWorld } from '../world/sim-world';
import { applyStateBurst } from '../world/state-burst';
import { FaultKind } from '../world/world-listener';
import { BodyTooLargeError, HttpExchange, readBody, sendError, sendJson } from './http-exchange';

/** Prefix of the test-control routes (clearly not PlaceOS). */
export const SIM_PREFIX = '/_sim/';

type Body = Record<string, unknown>;

function field(body: Body, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined;
}

function text(body: Body, name: string): string {
  return requireText(field(body, name), name);
}

function optionalText(body: Body, name: string): string | undefined {
  const v = field(body, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new SimInputError(`${name} must be a string`);
  return v;
}

function stringArray(body: Body, name: string): string[] {
  const v = field(body, name);
  if (!isStringArray(v)) throw new SimInputError(`${name} must be an array of strings`);
  return v;
}

/** `/_sim/*`: JSON test controls over the same operations as `SimWorld`. No auth. */
export class SimControlRoutes {
  constructor(private readonly world: SimWorld) {}

  /** Handles one `/_sim/` request; bad input gives 400, unknown ids 404, never a crash. */
  async handle(ex: HttpExchange): Promise<void> {
    let body: Body = {};
    try {
      if (ex.req.method === 'POST' || ex.req.method === 'PATCH' || ex.req.method === 'PUT')
        body = this.parseBody(await readBody(ex.req));
      const result = this.route(ex, body);
      if (result === undefined) sendError(ex, 404, 'unknown simulator route');
      else sendJson(ex, 200, result);
    } catch (error) {
      if (error instanceof SimInputError) sendError(ex, 400, error.message);
      else if (error instanceof SimNotFoundError) sendError(ex, 404, error.message);
      else if (error instanceof BodyTooLargeError) sendError(ex, 413, error.message);
      else sendError(ex, 500, error instanceof Error ? error.message : 'internal error');
    }
  }

  private parseBody(raw: string): Body {
    if (raw.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new SimInputError('body must be JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new SimInputError('body must be a JSON object');
    return parsed as Body;
  }

  private route(ex: HttpExchange, body: Body): unknown {
    const method = ex.req.method ?? 'GET';
    let parts: string[];
    try {
      parts = ex.url.pathname
        .slice(SIM_PREFIX.length)
        .split('/')
        .filter((p) => p !== '')
        .map((p) => decodeURIComponent(p));
    } catch {
      throw new SimInputError('bad path encoding');
    }
    const q = ex.url.searchParams;
    const w = this.world;
    const [a, id, c] = parts;
    const n = parts.length;
    const at = (m: string, ...path: (string | undefined)[]): boolean =>
      method === m && n === path.length && path.every((p, i) => p === undefined || p === parts[i]);

    if (at('GET', 'stats')) return w.stats();
    if (at('GET', 'state')) {
      const moduleId = q.get('module_id');
      if (moduleId === null || w.module(moduleId) === undefined)
        throw new SimNotFoundError('unknown module');
      return w.state(moduleId);
    }
    if (at('POST', 'state')) {
      const moduleId = text(body, 'module_id');
      const key = text(body, 'key');
      if (field(body, 'raw') !== undefined) {
        const raw = field(body, 'raw');
        if (typeof raw !== 'string') throw new SimInputError('raw must be a string');
        w.setRawState(moduleId, key, raw);
      } else {
        if (!Object.prototype.hasOwnProperty.call(body, 'value'))
          throw new SimInputError('value or raw is required');
        w.setState(moduleId, key, field(body, 'value'));
      }
      return {};
    }
    if (at('DELETE', 'state')) {
      const moduleId = q.get('module_id');
      const key = q.get('key');
      if (moduleId === null || key === null || key === '')
        throw new SimInputError('module_id and key are required');
      w.deleteState(moduleId, key);
      return {};
    }
    if (a === 'modules' && id !== undefined) {
      if (at('POST', 'modules', undefined, 'rename')) {
        const name = field(body, 'custom_name');
        if (name !== null && typeof name !== 'string')
          throw new SimInputError('custom_name must be a string or null');
        w.renameModule(id, name);
        return {};
      }
      if (at('DELETE', 'modules', undefined)) {
        w.removeModule(id);
        return {};
      }
      if (at('GET', 'modules', undefined)) return this.found(w.module(id), 'module');
    }
    if (a === 'systems') {
      if (at('POST', 'systems')) {
        return {
          id: w.addSystem({
            name: text(body, 'name'),
            zones: stringArray(body, 'zones'),
            modules:
              field(body, 'modules') === undefined ? undefined : stringArray(body, 'modules'),
            email: optionalText(body, 'email'),
          }),
        };
      }
      if (id !== undefined) {
        if (at('POST', 'systems', undefined, 'reorder')) {
          w.reorderModules(id, stringArray(body, 'modules'));
          return {};
        }
        if (at('POST', 'systems', undefined, 'modules')) {
          return {
            id: w.addModule(id, {
              driverId: text(body, 'driver_id'),
              customName: optionalText(body, 'custom_name'),
            }),
          };
        }
        if (at('POST', 'systems', undefined, 'zones')) {
          w.setSystemZones(id, stringArray(body, 'zones'));
          return {};
        }
        if (at('DELETE', 'systems', undefined)) {
          w.removeSystem(id);
          return {};
        }
        if (at('GET', 'systems', undefined)) return this.found(w.system(id), 'system');
      }
    }
    if (a === 'zones') {
      if (at('POST', 'zones'))
        return {
          id: w.addZone({
            name: text(body, 'name'),
            tags: stringArray(body, 'tags'),
            parentId: optionalText(body, 'parent_id'),
          }),
        };
      if (
        id !== undefined &&
        c === undefined &&
        (method === 'PATCH' || method === 'POST') &&
        n === 2
      ) {
        w.updateZone(id, {
          name: optionalText(body, 'name'),
          tags: field(body, 'tags') === undefined ? undefined : stringArray(body, 'tags'),
        });
        return {};
      }
      if (id !== undefined && at('DELETE', 'zones', undefined)) {
        w.removeZone(id);
        return {};
      }
    }
    if (at('POST', 'sockets', 'drop')) return { dropped: w.dropSockets() };
    if (at('POST', 'pause')) {
      const paused = field(body, 'paused') ?? true;
      if (typeof paused !== 'boolean') throw new SimInputError('paused must be a boolean');
      w.setPaused(paused);
      return { paused };
    }
    if (at('POST', 'faults')) {
      const times = field(body, 'times') ?? 1;
      if (typeof times !== 'number') throw new SimInputError('times must be a positive integer');
      w.injectFault({
        pathPrefix: text(body, 'path_prefix'),
        kind: text(body, 'kind') as FaultKind,
        times,
      });
      return {};
    }
    if (at('POST', 'frames')) {
      const frame = field(body, 'text');
      if (typeof frame !== 'string') throw new SimInputError('text must be a string');
      return { sent: w.sendRawFrame(frame) };
    }
    if (at('POST', 'burst')) {
      const keys = field(body, 'keys');
      const changesPerKey = field(body, 'changesPerKey') ?? 1;
      if (!isCount(keys, 1_000_000) || !isCount(changesPerKey, 100))
        throw new SimInputError('keys (1..1000000) and changesPerKey (1..100) must be integers');
      return applyStateBurst(w, keys, changesPerKey);
    }
    if (at('GET', 'pressure')) return w.pressure();
    if (at('POST', 'pressure', 'reset')) {
      w.resetPressure();
      return w.pressure();
    }
    if (at('POST', 'tokens', 'expire')) {
      w.expireAccessTokens();
      return {};
    }
    return undefined;
  }

  private found(value: unknown, what: string): unknown {
    if (value === undefined) throw new SimNotFoundError(`unknown ${what}`);
    return value;
  }
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
}
