import { DriverRecord, ModuleRecord, SystemRecord, ZoneRecord } from './records';

/** A PlaceOS model as it appears on the wire. */
export type ModelJson = Record<string, unknown>;

/** Drops `undefined` fields: PlaceOS (active-model, `emit_null: nil`) leaves nil attributes out. */
function withoutNil(json: ModelJson): ModelJson {
  for (const key of Object.keys(json)) {
    if (json[key] === undefined || json[key] === null) delete json[key];
  }
  return json;
}

/** ControlSystem JSON. */
export function systemJson(s: SystemRecord): ModelJson {
  return withoutNil({
    created_at: s.created_at,
    updated_at: s.updated_at,
    name: s.name,
    description: s.description,
    features: [...s.features],
    email: s.email,
    bookable: s.bookable,
    public: false,
    display_name: s.display_name,
    code: undefined,
    type: undefined,
    capacity: s.capacity,
    map_id: s.map_id,
    approval: false,
    images: [],
    timezone: s.timezone,
    support_url: '',
    timetable_url: undefined,
    camera_snapshot_urls: [],
    camera_url: undefined,
    room_booking_url: undefined,
    version: s.version,
    installed_ui_devices: 0,
    zones: [...s.zones],
    modules: [...s.modules],
    orientation: 'unspecified',
    playlists: [],
    signage: false,
    id: s.id,
  });
}

/** Zone JSON. */
export function zoneJson(z: ZoneRecord): ModelJson {
  return withoutNil({
    created_at: z.created_at,
    updated_at: z.updated_at,
    name: z.name,
    description: z.description,
    tags: [...z.tags],
    location: z.location,
    display_name: z.display_name,
    code: z.code,
    type: undefined,
    count: 0,
    capacity: z.capacity,
    map_id: undefined,
    timezone: z.timezone,
    triggers: [],
    images: [],
    playlists: [],
    parent_id: z.parent_id,
    id: z.id,
  });
}

/** Module JSON; `connected` is computed live from the `connected` status like rest-api does. */
export function moduleJson(m: ModuleRecord, connected: boolean): ModelJson {
  return withoutNil({
    created_at: m.created_at,
    updated_at: m.updated_at,
    ip: m.ip,
    port: m.port,
    tls: m.tls,
    udp: m.udp,
    makebreak: m.makebreak,
    uri: m.uri,
    name: m.name,
    custom_name: m.custom_name,
    role: m.role,
    connected,
    running: m.running,
    notes: m.notes,
    ignore_connected: false,
    ignore_startstop: false,
    has_runtime_error: false,
    launch_on_execute: false,
    alert_level: 'medium',
    control_system_id: m.control_system_id,
    driver_id: m.driver_id,
    id: m.id,
  });
}

/** The `driver` summary rest-api attaches to modules. */
export function driverSummaryJson(d: DriverRecord): ModelJson {
  return { name: d.name, description: d.description, module_name: d.module_name };
}

/** Driver JSON. */
export function driverJson(d: DriverRecord): ModelJson {
  return withoutNil({
    created_at: d.created_at,
    updated_at: d.updated_at,
    name: d.name,
    description: d.description,
    json_schema: { type: 'object', properties: {} },
    default_uri: d.default_uri,
    default_port: d.default_port,
    role: d.role,
    alert_level: 'medium',
    file_name: d.file_name,
    commit: d.commit,
    module_name: d.module_name,
    ignore_connected: false,
    update_available: false,
    repository_id: d.repository_id,
    id: d.id,
  });
}
