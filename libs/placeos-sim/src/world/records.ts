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
