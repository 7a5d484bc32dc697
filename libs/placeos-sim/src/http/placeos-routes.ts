import { AUTHORITY_NOT_FOUND } from '../auth/authority-domain';
import { SimAuth, SimPrincipal } from '../auth/sim-auth';
import {
  ModelJson,
  driverJson,
  driverSummaryJson,
  moduleJson,
  systemJson,
  zoneJson,
} from '../world/model-json';
import { parseModuleSlug } from '../world/module-slots';
import { ModuleRecord } from '../world/records';
import { SimWorld } from '../world/sim-world';
import { HttpExchange, send, sendError, sendJson } from './http-exchange';
import { matchesQuery, paginate, unpaginatedHeaders } from './pagination';

/** Base path of the PlaceOS REST API. */
export const API_BASE = '/api/engine/v2';

type Handler = (ex: HttpExchange, principal: SimPrincipal, params: string[]) => void;

function commaList(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return items.length === 0 ? undefined : items;
}

function isSupport(p: SimPrincipal): boolean {
  return p.permissions === 'support' || p.permissions === 'admin';
}

/** A 403 carries no body (`resource_access_forbidden : Nil`). */
function forbidden(ex: HttpExchange): void {
  send(ex, 403, undefined);
}

function notFound(ex: HttpExchange): void {
  sendError(ex, 404, 'Not Found');
}

/** The `/api/engine/v2` routes a PlaceOS client uses, with rest-api's quirks. */
export class PlaceOsRoutes {
  constructor(
    private readonly world: SimWorld,
    private readonly auth: SimAuth,
    /** `ensure_matching_domain`: whether an authority answers for this Host. */
    private readonly authorityFor: (host: string | undefined) => boolean = () => true,
  ) {}

  /** Handles a request under `API_BASE`; unknown routes get 404. */
  handle(ex: HttpExchange): void {
    const segments = this.segments(ex.url.pathname);
    const route =
      segments === undefined || ex.req.method !== 'GET' ? undefined : this.match(segments);
    if (route === undefined) {
      notFound(ex);
      return;
    }
    const result = this.auth.authenticate({ headers: ex.req.headers, query: ex.url.searchParams });
    if (!result.ok) {
      sendError(ex, 401, result.error);
      return;
    }
    if (!this.authorityFor(ex.req.headers.host)) {
      sendError(ex, 401, AUTHORITY_NOT_FOUND);
      return;
    }
    route.handler(ex, result.principal, route.params);
  }

  private segments(pathname: string): string[] | undefined {
    const rest = pathname.slice(API_BASE.length);
    if (rest !== '' && !rest.startsWith('/')) return undefined;
    const raw = rest.split('/').slice(1);
    if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
    try {
      return raw.map((s) => decodeURIComponent(s));
    } catch {
      return undefined;
    }
  }

  private match(s: string[]): { handler: Handler; params: string[] } | undefined {
    const [resource, id, sub, key] = s;
    const n = s.length;
    const r = (handler: Handler, ...params: string[]): { handler: Handler; params: string[] } => ({
      handler,
      params,
    });
    switch (resource) {
      case 'systems':
        if (n === 1) return r(this.systemsIndex);
        if (n === 2) return r(this.systemShow, id);
        if (n === 3 && sub === 'zones') return r(this.systemZones, id);
        if (n === 3) return r(this.systemModuleState, id, sub);
        if (n === 4) return r(this.systemModuleKey, id, sub, key);
        return undefined;
      case 'zones':
        if (n === 1) return r(this.zonesIndex);
        if (n === 2) return r(this.zoneShow, id);
        return undefined;
      case 'modules':
        if (n === 1) return r(this.modulesIndex);
        if (n === 2) return r(this.moduleShow, id);
        if (n === 3 && sub === 'state') return r(this.moduleState, id);
        if (n === 4 && sub === 'state') return r(this.moduleStateKey, id, key);
        return undefined;
      case 'drivers':
        if (n === 1) return r(this.driversIndex);
        if (n === 2) return r(this.driverShow, id);
        return undefined;
      case 'api_keys':
        if (n === 2 && id === 'inspect') return r(this.inspect);
        return undefined;
      default:
        return undefined;
    }
  }

  private readonly systemsIndex: Handler = (ex) => {
    const q = ex.url.searchParams;
    const zoneIds = commaList(q.get('zone_id'));
    const moduleIds = commaList(q.get('module_id'));
    const emails = commaList(q.get('email'));
    const text = q.get('q');
    const items = this.world
      .listSystems()
      .filter(
        (s) =>
          (zoneIds === undefined || zoneIds.every((z) => s.zones.includes(z))) &&
          (moduleIds === undefined || moduleIds.some((m) => s.modules.includes(m))) &&
          (emails === undefined || (s.email !== undefined && emails.includes(s.email))) &&
          matchesQuery(text, s.name, s.description, s.email),
      );
    const { page, headers } = paginate(items, q, 'sys', `${API_BASE}/systems/`);
    sendJson(ex, 200, page.map(systemJson), headers);
  };

  private readonly systemShow: Handler = (ex, _p, [id]) => {
    const sys = this.world.systemRecord(id);
    if (sys === undefined) return notFound(ex);
    const json = systemJson(sys);
    if (ex.url.searchParams.get('complete') === 'true') {
      json.zone_data = sys.zones.flatMap((z) => {
        const zone = this.world.zoneRecord(z);
        return zone === undefined ? [] : [zoneJson(zone)];
      });
      json.module_data = sys.modules.flatMap((m) => {
        const mod = this.world.moduleRecord(m);
        return mod === undefined ? [] : [this.moduleWithDriver(mod)];
      });
    }
    sendJson(ex, 200, json);
  };

  private readonly systemZones: Handler = (ex, _p, [id]) => {
    const sys = this.world.systemRecord(id);
    if (sys === undefined) return notFound(ex);
    const zones = sys.zones.flatMap((z) => {
      const zone = this.world.zoneRecord(z);
      return zone === undefined ? [] : [zoneJson(zone)];
    });
    sendJson(ex, 200, zones, unpaginatedHeaders('zone', zones.length));
  };

  /** `Hash(String,String)`: each stored JSON text becomes a JSON string (double encoding). */
  private readonly systemModuleState: Handler = (ex, principal, [id, slug]) => {
    if (!isSupport(principal)) return forbidden(ex);
    if (this.world.systemRecord(id) === undefined) return notFound(ex);
    const parts = parseModuleSlug(slug);
    if (!parts.ok) return sendError(ex, 500, parts.error);
    const moduleId = this.world.resolveModule(id, parts.name, parts.index);
    const hash = moduleId === undefined ? undefined : this.world.stateHash(moduleId);
    sendJson(ex, 200, hash === undefined ? {} : Object.fromEntries(hash));
  };

  /** The parsed value (`JSON.parse(value || "null")`); a missing key is `null`. */
  private readonly systemModuleKey: Handler = (ex, principal, [id, slug, key]) => {
    if (!isSupport(principal)) return forbidden(ex);
    if (this.world.systemRecord(id) === undefined) return notFound(ex);
    const parts = parseModuleSlug(slug);
    if (!parts.ok) return sendError(ex, 500, parts.error);
    const moduleId = this.world.resolveModule(id, parts.name, parts.index);
    const text = moduleId === undefined ? undefined : this.world.rawState(moduleId, key);
    let value: unknown;
    try {
      value = JSON.parse(text ?? 'null');
    } catch {
      return sendError(ex, 500, 'stored status is not valid JSON');
    }
    send(ex, 200, JSON.stringify(value));
  };

  private readonly zonesIndex: Handler = (ex, principal) => {
    const q = ex.url.searchParams;
    const tags = commaList(q.get('tags'));
    const parents = commaList(q.get('parent_id'));
    if (tags === undefined && parents === undefined && !isSupport(principal)) return forbidden(ex);
    const text = q.get('q');
    const items = this.world
      .listZones()
      .filter(
        (z) =>
          (tags === undefined || tags.every((t) => z.tags.includes(t))) &&
          (parents === undefined ||
            parents.some((p) => (p === 'root' ? z.parent_id === undefined : z.parent_id === p))) &&
          matchesQuery(text, z.name, z.description, z.display_name),
      );
    const { page, headers } = paginate(items, q, 'zone', `${API_BASE}/zones/`);
    sendJson(ex, 200, page.map(zoneJson), headers);
  };

  private readonly zoneShow: Handler = (ex, _p, [id]) => {
    const zone = this.world.zoneRecord(id);
    if (zone === undefined) return notFound(ex);
    sendJson(ex, 200, zoneJson(zone));
  };

  private readonly modulesIndex: Handler = (ex, principal) => {
    if (!isSupport(principal)) return forbidden(ex);
    const q = ex.url.searchParams;
    const systemId = q.get('control_system_id');
    if (systemId !== null) {
      // Not paginated, and in `Module.find_all` order rather than the system's `modules` order.
      const sys = this.world.systemRecord(systemId);
      if (sys === undefined) return notFound(ex);
      const mods = [...new Set(sys.modules)].sort().flatMap((m) => {
        const mod = this.world.moduleRecord(m);
        return mod === undefined ? [] : [this.moduleWithDriver(mod)];
      });
      sendJson(ex, 200, mods, unpaginatedHeaders('mod', mods.length));
      return;
    }
    const driverIds = commaList(q.get('driver_id'));
    const running = q.get('running');
    const noLogic = q.get('no_logic') === 'true';
    const asOf = q.get('as_of');
    const asOfSeconds = asOf !== null && /^\d{1,12}$/.test(asOf) ? Number(asOf) : undefined;
    const text = q.get('q');
    const items = this.world
      .listModules()
      .filter(
        (m) =>
          (driverIds === undefined || driverIds.includes(m.driver_id)) &&
          (running === null || String(m.running) === running) &&
          (!noLogic || m.role !== 99) &&
          (asOfSeconds === undefined || m.updated_at < asOfSeconds) &&
          matchesQuery(text, m.name, m.custom_name),
      );
    const { page, headers } = paginate(items, q, 'mod', `${API_BASE}/modules/`);
    sendJson(
      ex,
      200,
      page.map((m) => moduleJson(m, this.world.isConnected(m.id))),
      headers,
    );
  };

  private readonly moduleShow: Handler = (ex, principal, [id]) => {
    if (!isSupport(principal)) return forbidden(ex);
    const mod = this.world.moduleRecord(id);
    if (mod === undefined) return notFound(ex);
    sendJson(ex, 200, moduleJson(mod, this.world.isConnected(mod.id)));
  };

  private readonly moduleState: Handler = (ex, principal, [id]) => {
    if (!isSupport(principal)) return forbidden(ex);
    if (this.world.moduleRecord(id) === undefined) return notFound(ex);
    sendJson(ex, 200, Object.fromEntries(this.world.stateHash(id) ?? []));
  };

  /** Admin only; the stored text is JSON-encoded again; a missing key raises `KeyError` (500). */
  private readonly moduleStateKey: Handler = (ex, principal, [id, key]) => {
    if (principal.permissions !== 'admin') return forbidden(ex);
    if (this.world.moduleRecord(id) === undefined) return notFound(ex);
    const text = this.world.rawState(id, key);
    if (text === undefined) return sendError(ex, 500, `Missing hash key: ${JSON.stringify(key)}`);
    sendJson(ex, 200, text);
  };

  private readonly driversIndex: Handler = (ex, principal) => {
    if (!isSupport(principal)) return forbidden(ex);
    const q = ex.url.searchParams;
    const role = q.get('role');
    const text = q.get('q');
    const items = this.world
      .listDrivers()
      .filter(
        (d) =>
          (role === null || String(d.role) === role) && matchesQuery(text, d.name, d.description),
      );
    const { page, headers } = paginate(items, q, 'driver', `${API_BASE}/drivers/`);
    sendJson(ex, 200, page.map(driverJson), headers);
  };

  private readonly driverShow: Handler = (ex, principal, [id]) => {
    if (!isSupport(principal)) return forbidden(ex);
    const driver = this.world.driverRecord(id);
    if (driver === undefined) return notFound(ex);
    sendJson(ex, 200, { ...driverJson(driver), compilation_status: {} });
  };

  private readonly inspect: Handler = (ex, principal) => {
    sendJson(ex, 200, this.auth.inspect(principal));
  };

  private moduleWithDriver(mod: ModuleRecord): ModelJson {
    const json = moduleJson(mod, this.world.isConnected(mod.id));
    const driver = this.world.driverRecord(mod.driver_id);
    if (driver !== undefined) json.driver = driverSummaryJson(driver);
    return json;
  }
}
