import type { JsonObject, JsonValue } from '../model/json';
import type { PlaceDriver, PlaceModule, PlaceSystem, PlaceZone } from '../model/place-models';

/**
 * Narrowing of PlaceOS REST models (placeos-api.md §2). PlaceOS omits nil attributes, so every
 * field but `id` is optional here; an item without a string `id` cannot be tracked and is
 * rejected (the caller logs and counts it) instead of failing the whole listing.
 */

export function parseSystem(raw: unknown): PlaceSystem | undefined {
  if (!isTracked(raw)) return undefined;
  return {
    id: raw.id,
    name: stringOr(raw.name, ''),
    zones: stringArray(raw.zones),
    modules: stringArray(raw.modules),
    version: numberOr(raw.version, 0),
    updatedAt: numberOr(raw.updated_at, 0),
    raw,
  };
}

export function parseZone(raw: unknown): PlaceZone | undefined {
  if (!isTracked(raw)) return undefined;
  const zone: PlaceZone = {
    id: raw.id,
    name: stringOr(raw.name, ''),
    tags: stringArray(raw.tags),
    updatedAt: numberOr(raw.updated_at, 0),
    raw,
  };
  if (isId(raw.parent_id)) zone.parentId = raw.parent_id;
  return zone;
}

export function parseModule(raw: unknown): PlaceModule | undefined {
  if (!isTracked(raw)) return undefined;
  const module: PlaceModule = {
    id: raw.id,
    name: stringOr(raw.name, ''),
    driverId: stringOr(raw.driver_id, ''),
    updatedAt: numberOr(raw.updated_at, 0),
  };
  if (typeof raw.custom_name === 'string') module.customName = raw.custom_name;
  if (isId(raw.control_system_id)) module.controlSystemId = raw.control_system_id;
  return module;
}

export function parseDriver(raw: unknown): PlaceDriver | undefined {
  if (!isTracked(raw)) return undefined;
  const driver: PlaceDriver = {
    id: raw.id,
    name: stringOr(raw.name, ''),
    updatedAt: numberOr(raw.updated_at, 0),
    raw,
  };
  if (typeof raw.module_name === 'string') driver.moduleName = raw.module_name;
  return driver;
}

/** One status value of a module's state hash, decoded from the JSON text PlaceOS stores. */
export interface StatusValue {
  value: JsonValue;
  /** The stored text was not JSON: `value` is that text. */
  invalidJson: boolean;
}

/**
 * `GET /modules/:id/state` returns `Hash(String,String)`: each value is the JSON text of the
 * status (placeos-api.md §2.6). A value that does not parse is kept as its raw text.
 */
export function parseStateHash(raw: unknown): Map<string, StatusValue> | undefined {
  if (!isObject(raw)) return undefined;
  const state = new Map<string, StatusValue>();
  for (const [key, text] of Object.entries(raw)) {
    state.set(key, decodeStatusText(text));
  }
  return state;
}

export function decodeStatusText(text: JsonValue): StatusValue {
  // A server that already decoded the value (not PlaceOS) is taken at its word.
  if (typeof text !== 'string') return { value: text, invalidJson: false };
  try {
    return { value: JSON.parse(text) as JsonValue, invalidJson: false };
  } catch {
    return { value: text, invalidJson: true };
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An item without a string `id` cannot be tracked. */
function isTracked(raw: unknown): raw is JsonObject & { id: string } {
  return isObject(raw) && isId(raw.id);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
