/** Stored ControlSystem (only the fields the simulator varies; the rest are defaulted on output). */
export interface SystemRecord {
  id: string;
  name: string;
  description: string;
  email?: string;
  features: string[];
  capacity: number;
  bookable: boolean;
  zones: string[];
  modules: string[];
  version: number;
  display_name?: string;
  map_id?: string;
  timezone?: string;
  created_at: number;
  updated_at: number;
}

/** Stored Zone. */
export interface ZoneRecord {
  id: string;
  name: string;
  description: string;
  tags: string[];
  parent_id?: string;
  display_name?: string;
  location?: string;
  code?: string;
  timezone?: string;
  capacity: number;
  created_at: number;
  updated_at: number;
}

/** Stored Module; `role` is the integer driver role (SSH=0, Device=1, Service=2, Websocket=3, Logic=99). */
export interface ModuleRecord {
  id: string;
  name: string;
  custom_name?: string;
  role: number;
  driver_id: string;
  control_system_id?: string;
  ip?: string;
  port?: number;
  uri?: string;
  tls: boolean;
  udp: boolean;
  makebreak: boolean;
  running: boolean;
  notes?: string;
  created_at: number;
  updated_at: number;
}

/** Stored Driver. */
export interface DriverRecord {
  id: string;
  name: string;
  description: string;
  module_name: string;
  role: number;
  default_port?: number;
  default_uri?: string;
  file_name: string;
  commit: string;
  repository_id: string;
  created_at: number;
  updated_at: number;
}

/** The module's resolved name, as PlaceOS `Module#resolved_name` (custom name if present, else name). */
export function resolvedName(module: Pick<ModuleRecord, 'name' | 'custom_name'>): string {
  return module.custom_name !== undefined && module.custom_name !== ''
    ? module.custom_name
    : module.name;
}

/** What a new module record needs beyond its driver. */
export interface NewModule {
  id: string;
  systemId: string;
  /**
   * Called only for a module reached by IP address (not a logic module, no default URI), so a
   * caller that draws the address from a seeded stream decides whether the draw always happens.
   */
  ip: () => string;
  created_at: number;
  updated_at: number;
}

/** A running module of `driver`, placed as PlaceOS places it: in its system, at a URI, or at an IP. */
export function createModuleRecord(driver: DriverRecord, spec: NewModule): ModuleRecord {
  const mod: ModuleRecord = {
    id: spec.id,
    name: driver.module_name,
    role: driver.role,
    driver_id: driver.id,
    tls: false,
    udp: false,
    makebreak: false,
    running: true,
    created_at: spec.created_at,
    updated_at: spec.updated_at,
  };
  if (driver.role === 99) mod.control_system_id = spec.systemId;
  else if (driver.default_uri !== undefined) mod.uri = driver.default_uri;
  else {
    mod.ip = spec.ip();
    if (driver.default_port !== undefined) mod.port = driver.default_port;
  }
  return mod;
}
