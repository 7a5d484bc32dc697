import type { JsonObject } from './json';

/**
 * The PlaceOS models the bridge needs, as read over REST (placeos-api.md §2).
 * `raw` keeps the model exactly as PlaceOS sent it (nil fields omitted) for metadata topics;
 * modules are not published as metadata, so they keep only the fields topics are made of (at a
 * million keys that is tens of thousands of module documents not held).
 * Timestamps are epoch seconds, as PlaceOS sends them.
 */
export interface PlaceZone {
  id: string;
  name: string;
  tags: string[];
  parentId?: string;
  updatedAt: number;
  raw: JsonObject;
}

export interface PlaceSystem {
  id: string;
  name: string;
  /** Zone ids in the system's own order; the first zone carrying a hierarchy tag wins. */
  zones: string[];
  /** Module ids in the order that defines each module's index (placeos-api.md §2.6). */
  modules: string[];
  version: number;
  updatedAt: number;
  raw: JsonObject;
}

export interface PlaceModule {
  id: string;
  name: string;
  customName?: string;
  driverId: string;
  controlSystemId?: string;
  updatedAt: number;
}

export interface PlaceDriver {
  id: string;
  name: string;
  moduleName?: string;
  updatedAt: number;
  raw: JsonObject;
}

/** `custom_name.presence || name`, as `Module#resolved_name` in PlaceOS models (blank counts as absent). */
export function resolvedModuleName(module: Pick<PlaceModule, 'name' | 'customName'>): string {
  const custom = module.customName;
  return custom !== undefined && custom.trim() !== '' ? custom : module.name;
}
