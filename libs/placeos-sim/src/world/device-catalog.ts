import { IdGenerator } from './id-generator';
import { sampleBooking, samplePerson, samplePhone } from './sample-people';
import { SeededRandom } from './seeded-random';

/** What a device's state generator knows about where it is installed. */
export interface DeviceContext {
  random: SeededRandom;
  ids: IdGenerator;
  roomName: string;
  roomEmail?: string;
  ip: string;
  now: number;
}

/** One kind of device: its PlaceOS driver and how its status keys look and change. */
export interface DeviceType {
  kind: string;
  driverName: string;
  description: string;
  moduleName: string;
  role: number;
  defaultPort?: number;
  defaultUri?: string;
  fileName: string;
  /** Status keys and values of a freshly started module. */
  initialState(ctx: DeviceContext): Record<string, unknown>;
  /** Keys that change over time, each with a generator for its next value. */
  liveKeys: Record<string, (ctx: DeviceContext) => unknown>;
}

const INPUTS = ['hdmi', 'hdmi2', 'display_port', 'usb_c', 'vga'];
const SCENES = ['off', 'presentation', 'meeting', 'bright', 'evening'];

function networkKeys(ctx: DeviceContext): Record<string, unknown> {
  const r = ctx.random;
  return {
    connected: r.chance(0.95),
    device_ip: ctx.ip,
    mac_address: [0, 1, 2, 3, 4, 5].map(() => r.hex(2)).join(':'),
    firmware_version: `${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 99)}`,
    serial_number: r.hex(12).toUpperCase(),
    uuid: r.uuid(),
  };
}

function bookingsFor(ctx: DeviceContext, count: number): Record<string, unknown>[] {
  const dayStart = ctx.now - (ctx.now % 86400) + 8 * 3600;
  const list: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i += 1) {
    list.push(sampleBooking(ctx.random, ctx.ids, ctx.roomName, ctx.roomEmail, dayStart + i * 5400));
  }
  return list;
}

const display: DeviceType = {
  kind: 'display',
  driverName: 'Samsung MD Series Display',
  description: 'Samsung commercial display over the MDC protocol',
  moduleName: 'Display',
  role: 1,
  defaultPort: 1515,
  fileName: 'drivers/samsung/displays/md_series.cr',
  initialState: (ctx) => {
    const r = ctx.random;
    const power = r.chance(0.5);
    return {
      power,
      power_status: power ? 'on' : 'off',
      power_target: power,
      input: r.pick(INPUTS),
      input_list: INPUTS.slice(0, 3),
      volume: r.int(0, 20) * 5,
      volume_min: 0,
      volume_max: 100,
      audio_mute: r.chance(0.2),
      picture_mute: false,
      brightness: r.int(40, 100),
      contrast: r.int(40, 100),
      temperature: r.decimal(30, 45, 1),
      hours_used: r.int(100, 20000),
      model: r.pick(['QM55B', 'QM65B', 'QB75B', 'QM85R']),
      warming: false,
      ...networkKeys(ctx),
    };
  },
  liveKeys: {
    power: (ctx) => ctx.random.chance(0.5),
    input: (ctx) => ctx.random.pick(INPUTS),
    volume: (ctx) => ctx.random.int(0, 20) * 5,
    audio_mute: (ctx) => ctx.random.chance(0.2),
    temperature: (ctx) => ctx.random.decimal(30, 45, 1),
  },
};

const camera: DeviceType = {
  kind: 'camera',
  driverName: 'Cisco PTZ Camera',
  description: 'Pan-tilt-zoom camera with presets and speaker tracking',
  moduleName: 'Camera',
  role: 1,
  defaultPort: 52381,
  fileName: 'drivers/cisco/camera/ptz.cr',
  initialState: (ctx) => {
    const r = ctx.random;
    return {
      power: r.chance(0.8),
      zoom: r.int(0, 100),
      pan: r.int(-170, 170),
      tilt: r.int(-30, 90),
      presets: ['wide', 'presenter', 'whiteboard'].slice(0, r.int(1, 3)),
      active_preset: 'wide',
      tracking: r.chance(0.5),
      privacy_mode: r.chance(0.1),
      stream_url: `rtsp://${ctx.ip}:554/stream1`,
      snapshot_url: `http://${ctx.ip}/snapshot.jpg`,
      resolution: r.pick(['1080p', '4k']),
      ...networkKeys(ctx),
    };
  },
  liveKeys: {
    zoom: (ctx) => ctx.random.int(0, 100),
    pan: (ctx) => ctx.random.int(-170, 170),
    tracking: (ctx) => ctx.random.chance(0.5),
    active_preset: (ctx) => ctx.random.pick(['wide', 'presenter', 'whiteboard']),
  },
};

const bookings: DeviceType = {
  kind: 'bookings',
  driverName: 'PlaceOS Room Bookings',
  description: 'Room calendar for booking panels',
  moduleName: 'Bookings',
  role: 99,
  fileName: 'drivers/place/bookings.cr',
  initialState: (ctx) => {
    const r = ctx.random;
    const list = bookingsFor(ctx, r.int(0, 4));
    const current = list.length > 0 && r.chance(0.5) ? list[0] : null;
    const next = list.length > 1 ? list[1] : null;
    return {
      bookings: list,
      current_booking: current,
      current_meeting: current !== null,
      next_booking: next,
      status: current === null ? 'free' : 'busy',
      in_use: current !== null,
      pending: false,
      room_name: ctx.roomName,
      room_email: ctx.roomEmail ?? null,
      room_capacity: r.int(2, 20),
      timezone: 'Australia/Sydney',
      booking_disabled: r.chance(0.05),
      control_ui: `https://placeos.example.com/control/#/${r.hex(8)}`,
      default_title: 'Ad hoc meeting',
      sensor_name: null,
      connected: true,
      last_changed: ctx.now - r.int(0, 3600),
    };
  },
  liveKeys: {
    bookings: (ctx) => bookingsFor(ctx, ctx.random.int(0, 4)),
    current_meeting: (ctx) => ctx.random.chance(0.5),
    status: (ctx) => ctx.random.pick(['free', 'busy', 'pending']),
    in_use: (ctx) => ctx.random.chance(0.5),
  },
};

const occupancy: DeviceType = {
  kind: 'occupancy',
  driverName: 'Vergesense Occupancy Sensor',
  description: 'People counting and environment sensor',
  moduleName: 'Occupancy',
  role: 2,
  defaultUri: 'https://api.vergesense.com',
  fileName: 'drivers/vergesense/room_sensor.cr',
  initialState: (ctx) => {
    const r = ctx.random;
    const people = r.int(0, 8);
    return {
      people_count: people,
      presence: people > 0,
      temperature: r.decimal(19, 25, 1),
      humidity: r.decimal(30, 60, 1),
      co2: r.int(400, 1200),
      lux: r.int(100, 800),
      noise_db: r.decimal(30, 60, 1),
      capacity: r.int(4, 20),
      last_seen: ctx.now - r.int(0, 300),
      sensor_id: r.uuid(),
      battery_level: r.int(10, 100),
      signal_strength: -r.int(40, 90),
      ...networkKeys(ctx),
    };
  },
  liveKeys: {
    people_count: (ctx) => ctx.random.int(0, 8),
    presence: (ctx) => ctx.random.chance(0.6),
    temperature: (ctx) => ctx.random.decimal(19, 25, 1),
    humidity: (ctx) => ctx.random.decimal(30, 60, 1),
    co2: (ctx) => ctx.random.int(400, 1200),
    last_seen: (ctx) => ctx.now,
  },
};

const vidConf: DeviceType = {
  kind: 'vidconf',
  driverName: 'Cisco Room Kit Codec',
  description: 'Video conferencing codec (xAPI over SSH)',
  moduleName: 'VidConf',
  role: 0,
  defaultPort: 22,
  fileName: 'drivers/cisco/collaboration_endpoint/room_kit.cr',
  initialState: (ctx) => {
    const r = ctx.random;
    const inCall = r.chance(0.3);
    const caller = samplePerson(r, ctx.ids);
    return {
      power: true,
      in_call: inCall,
      call_status: inCall
        ? {
            status: 'Connected',
            remote_number: caller.phone,
            display_name: caller.name,
            duration: r.int(10, 3000),
          }
        : null,
      microphone_mute: r.chance(0.2),
      volume: r.int(0, 100),
      presentation: r.pick(['off', 'local', 'remote']),
      do_not_disturb: r.chance(0.1),
      sip_uri: `${ctx.roomName.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@video.example.com`,
      phone_number: samplePhone(r),
      peripherals: [{ type: 'TouchPanel', serial: r.hex(10).toUpperCase() }],
      people_count: r.int(0, 8),
      standby: r.pick(['Off', 'Standby', 'Halfwake']),
      ...networkKeys(ctx),
    };
  },
  liveKeys: {
    in_call: (ctx) => ctx.random.chance(0.3),
    microphone_mute: (ctx) => ctx.random.chance(0.2),
    volume: (ctx) => ctx.random.int(0, 100),
    people_count: (ctx) => ctx.random.int(0, 8),
  },
};

const lighting: DeviceType = {
  kind: 'lighting',
  driverName: 'Dynalite Lighting Gateway',
  description: 'DALI lighting gateway controlling scenes per area',
  moduleName: 'Lighting',
  role: 3,
  defaultUri: 'ws://lighting.local/api',
  fileName: 'drivers/philips/dynalite.cr',
  initialState: (ctx) => {
    const r = ctx.random;
    return {
      power: r.chance(0.7),
      scene: r.pick(SCENES),
      level: r.int(0, 100),
      area: r.int(1, 200),
      channels: r.int(4, 16),
      colour_temperature: r.int(27, 65) * 100,
      daylight_harvesting: r.chance(0.5),
      occupancy_linked: r.chance(0.7),
      fault: null,
      ...networkKeys(ctx),
    };
  },
  liveKeys: {
    scene: (ctx) => ctx.random.pick(SCENES),
    level: (ctx) => ctx.random.int(0, 100),
    power: (ctx) => ctx.random.chance(0.7),
  },
};

const switcher: DeviceType = {
  kind: 'switcher',
  driverName: 'Extron DTP Matrix Switcher',
  description: 'AV matrix switcher',
  moduleName: 'Switcher',
  role: 1,
  defaultPort: 23,
  fileName: 'drivers/extron/matrix.cr',
  initialState: (ctx) => {
    const r = ctx.random;
    return {
      power: true,
      routes: { '1': r.int(1, 4), '2': r.int(1, 4) },
      audio_follow_video: r.chance(0.8),
      input_count: 8,
      output_count: 4,
      video_mute: [false, false, r.chance(0.2), false],
      audio_level: r.int(-30, 0),
      signal_present: [true, r.chance(0.5), false, r.chance(0.5)],
      hdcp: r.chance(0.5),
      ...networkKeys(ctx),
    };
  },
  liveKeys: {
    routes: (ctx) => ({ '1': ctx.random.int(1, 4), '2': ctx.random.int(1, 4) }),
    audio_level: (ctx) => ctx.random.int(-30, 0),
  },
};

const roomLogic: DeviceType = {
  kind: 'logic',
  driverName: 'PlaceOS Room Logic',
  description: 'Room automation logic',
  moduleName: 'System',
  role: 99,
  fileName: 'drivers/place/room_logic.cr',
  initialState: (ctx) => {
    const r = ctx.random;
    const user = samplePerson(r, ctx.ids);
    return {
      name: ctx.roomName,
      active: r.chance(0.5),
      occupied: r.chance(0.5),
      mode: r.pick(['default', 'presentation', 'video_conference']),
      selected_input: r.pick(INPUTS),
      master_volume: r.int(0, 100),
      master_mute: false,
      last_user: { email: user.email, name: user.name, id: user.userId },
      help_phone: user.phone,
      help_email: 'av-support@example.com',
      sources: { laptop: { input: 'hdmi' }, pc: { input: 'hdmi2' } },
      outputs: ['Display'],
      shutdown_time: '22:00',
      startup_time: '07:00',
      connected: true,
      version: `${r.int(1, 3)}.${r.int(0, 9)}.0`,
    };
  },
  liveKeys: {
    active: (ctx) => ctx.random.chance(0.5),
    occupied: (ctx) => ctx.random.chance(0.5),
    master_volume: (ctx) => ctx.random.int(0, 100),
    mode: (ctx) => ctx.random.pick(['default', 'presentation', 'video_conference']),
  },
};

/** Every device type the generated world uses (one driver each). */
export const DEVICE_TYPES: readonly DeviceType[] = [
  display,
  camera,
  bookings,
  occupancy,
  vidConf,
  lighting,
  switcher,
  roomLogic,
];

/** Device type by kind. */
export function deviceType(kind: string): DeviceType | undefined {
  return DEVICE_TYPES.find((t) => t.kind === kind);
}
