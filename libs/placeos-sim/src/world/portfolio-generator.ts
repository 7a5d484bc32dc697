import { DEVICE_TYPES, DeviceType } from './device-catalog';
import { IdGenerator } from './id-generator';
import {
  createModuleRecord,
  DriverRecord,
  ModuleRecord,
  SystemRecord,
  ZoneRecord,
} from './records';
import { SeededRandom } from './seeded-random';
import { WorldData } from './sim-world';

/** Shape and size of the generated portfolio (org → region → building → level → room). */
export interface PortfolioOptions {
  seed?: number;
  orgs?: number;
  regionsPerOrg?: number;
  buildingsPerRegion?: number;
  levelsPerBuilding?: number;
  roomsPerLevel?: number;
  /** Modules per room, inclusive range (default 3..8). */
  modulesPerRoom?: { min: number; max: number };
}

/** Fixed clock for generated timestamps so a seed always gives identical JSON. */
const GENERATION_EPOCH = 1_764_000_000;

const ORG_NAMES = [
  'Acme Corp',
  'Globex',
  'Initech',
  'Umbrella Group',
  'Stark Industries',
  'Wayne Enterprises',
];
const REGION_NAMES = ['APAC', 'EMEA', 'Americas', 'Nordics', 'ANZ', 'Japan'];
const CITIES = [
  'Sydney',
  'Melbourne',
  'London',
  'Berlin',
  'New York',
  'Toronto',
  'Singapore',
  'Tokyo',
  'Paris',
  'Austin',
  'Dublin',
  'Auckland',
];
const ROOM_WORDS = ['Meeting Room', 'Boardroom', 'Huddle', 'Training Room', 'Focus Room', 'Studio'];
const WINGS = ['North Wing', 'South Wing', 'East Wing', 'West Wing'];
const FEATURES = ['vc', 'display', 'whiteboard', 'phone', 'wheelchair'];

function clampCount(value: number | undefined, fallback: number, what: string): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
    throw new RangeError(`${what} must be an integer between 0 and 1000000`);
  return n;
}

function nameAt(list: readonly string[], index: number): string {
  const base = list[index % list.length];
  return index < list.length ? base : `${base} ${Math.floor(index / list.length) + 1}`;
}

/** Builds a deterministic world for the options (the same seed and options always give the same world). */
export function generatePortfolio(options: PortfolioOptions = {}): WorldData {
  const seed = options.seed ?? 1;
  const orgs = clampCount(options.orgs, 1, 'orgs');
  const regionsPerOrg = clampCount(options.regionsPerOrg, 1, 'regionsPerOrg');
  const buildingsPerRegion = clampCount(options.buildingsPerRegion, 2, 'buildingsPerRegion');
  const levelsPerBuilding = clampCount(options.levelsPerBuilding, 3, 'levelsPerBuilding');
  const roomsPerLevel = clampCount(options.roomsPerLevel, 4, 'roomsPerLevel');
  const minModules = clampCount(options.modulesPerRoom?.min, 3, 'modulesPerRoom.min');
  const maxModules = clampCount(options.modulesPerRoom?.max, 8, 'modulesPerRoom.max');
  if (maxModules < minModules)
    throw new RangeError('modulesPerRoom.max must be >= modulesPerRoom.min');

  const random = new SeededRandom(seed);
  const ids = new IdGenerator(random);
  const zones: ZoneRecord[] = [];
  const systems: SystemRecord[] = [];
  const modules: ModuleRecord[] = [];
  const states = new Map<string, Map<string, string>>();
  const stamp = (): { created_at: number; updated_at: number } => {
    const created = GENERATION_EPOCH - random.int(86400, 86400 * 700);
    return { created_at: created, updated_at: created + random.int(0, 86400 * 30) };
  };

  // Short texts ("true", "40", "\"hdmi\"") repeat millions of times in a large world: store each once.
  const shortTexts = new Map<string, string>();
  const shareShort = (text: string): string => {
    if (text.length > 24) return text;
    const known = shortTexts.get(text);
    if (known !== undefined) return known;
    shortTexts.set(text, text);
    return text;
  };

  const drivers: DriverRecord[] = [];
  const driverTypes = new Map<string, DeviceType>();
  const driverByKind = new Map<string, DriverRecord>();
  for (const type of DEVICE_TYPES) {
    const d: DriverRecord = {
      id: ids.next('driver'),
      name: type.driverName,
      description: type.description,
      module_name: type.moduleName,
      role: type.role,
      file_name: type.fileName,
      commit: random.hex(7),
      repository_id: 'repo-drivers01',
      ...stamp(),
    };
    if (type.defaultPort !== undefined) d.default_port = type.defaultPort;
    if (type.defaultUri !== undefined) d.default_uri = type.defaultUri;
    drivers.push(d);
    driverTypes.set(d.id, type);
    driverByKind.set(type.kind, d);
  }

  const addZone = (
    name: string,
    tags: string[],
    parent: string | undefined,
    extra: Partial<ZoneRecord> = {},
  ): ZoneRecord => {
    const z: ZoneRecord = {
      id: ids.next('zone'),
      name,
      description: '',
      tags,
      capacity: 0,
      ...stamp(),
      ...extra,
    };
    if (parent !== undefined) z.parent_id = parent;
    zones.push(z);
    return z;
  };

  const addModule = (kind: string, room: SystemRecord): ModuleRecord => {
    const driver = driverByKind.get(kind) as DriverRecord;
    const type = driverTypes.get(driver.id) as DeviceType;
    const id = ids.next('mod');
    const times = stamp();
    // Drawn for every module, reached by IP or not, so that a seed keeps giving the same world.
    const ip = `10.${random.int(0, 31)}.${random.int(1, 254)}.${random.int(2, 254)}`;
    const m = createModuleRecord(driver, { id, systemId: room.id, ip: () => ip, ...times });
    if (m.ip !== undefined) m.tls = driver.default_port === 22;
    if (kind === 'switcher') m.custom_name = 'A/V Switch';
    else if (kind === 'display' && random.chance(0.12))
      m.custom_name = random.pick(['Projector', 'Confidence Monitor']);
    else if (kind === 'lighting' && random.chance(0.2)) m.custom_name = 'Lights+Blinds';
    else if (kind === 'camera' && random.chance(0.05)) m.custom_name = 'Camera #2';
    if (random.chance(0.05)) m.notes = 'Installed by AV integrator';
    modules.push(m);
    const initial = type.initialState({
      random,
      ids,
      roomName: room.name,
      roomEmail: room.email,
      ip,
      now: GENERATION_EPOCH,
    });
    const hash = new Map<string, string>();
    for (const key of Object.keys(initial)) hash.set(key, shareShort(JSON.stringify(initial[key])));
    states.set(m.id, hash);
    return m;
  };

  const optionalKinds = [
    'camera',
    'vidconf',
    'lighting',
    'switcher',
    'logic',
    'display',
    'camera',
    'occupancy',
  ];
  const overflowKinds = ['display', 'camera', 'occupancy', 'lighting', 'vidconf'];
  let buildingCounter = 0;
  for (let o = 0; o < orgs; o += 1) {
    const org = addZone(nameAt(ORG_NAMES, o), ['org'], undefined, {
      display_name: `${nameAt(ORG_NAMES, o)} Workplace`,
    });
    const bookableZone = addZone(`${org.name} Bookable Rooms`, ['bookable'], org.id);
    for (let r = 0; r < regionsPerOrg; r += 1) {
      const region = addZone(nameAt(REGION_NAMES, o * regionsPerOrg + r), ['region'], org.id);
      for (let b = 0; b < buildingsPerRegion; b += 1) {
        const city = nameAt(CITIES, buildingCounter);
        const code = `${city.slice(0, 3).toUpperCase()}-${String(buildingCounter + 1).padStart(2, '0')}`;
        buildingCounter += 1;
        const building = addZone(`${city} ${code}`, ['building'], region.id, {
          code,
          location: `${city} CBD`,
          timezone: 'Australia/Sydney',
        });
        for (let l = 0; l < levelsPerBuilding; l += 1) {
          // One zone in every world carries two hierarchy tags; its rooms fill both levels.
          const dualTagged = o === 0 && r === 0 && b === 0 && l === 0;
          const level = addZone(
            `${code} Level ${l + 1}`,
            dualTagged ? ['level', 'area'] : ['level'],
            building.id,
          );
          const area = addZone(`${code} L${l + 1} ${random.pick(WINGS)}`, ['area'], level.id);
          let previousLighting: string | undefined;
          for (let n = 0; n < roomsPerLevel; n += 1) {
            const roomNumber = `${l + 1}.${String(n + 1).padStart(2, '0')}`;
            const roomName = `${code} ${random.pick(ROOM_WORDS)} ${roomNumber}`;
            let roomZones = [org.id, region.id, building.id, level.id];
            if (random.chance(0.5)) roomZones.push(area.id);
            if (random.chance(0.3)) roomZones.push(bookableZone.id);
            if (random.chance(0.2)) roomZones = random.shuffled(roomZones);
            const sys: SystemRecord = {
              id: ids.next('sys'),
              name: roomName,
              description: random.chance(0.5) ? `${random.pick(ROOM_WORDS)} on level ${l + 1}` : '',
              features: FEATURES.filter(() => random.chance(0.4)),
              capacity: random.int(2, 20),
              bookable: random.chance(0.6),
              zones: roomZones,
              modules: [],
              version: random.int(0, 5),
              ...stamp(),
            };
            if (random.chance(0.6))
              sys.email = `room-${roomNumber.replace('.', '-')}.${code.toLowerCase()}@example.com`;
            if (random.chance(0.3)) sys.display_name = `Room ${roomNumber}`;
            if (random.chance(0.3)) sys.timezone = 'Australia/Sydney';
            systems.push(sys);

            const count = random.int(minModules, maxModules);
            const kinds = [
              'display',
              'bookings',
              'occupancy',
              ...random.shuffled(optionalKinds),
            ].slice(0, count);
            while (kinds.length < count)
              kinds.push(overflowKinds[kinds.length % overflowKinds.length]);
            // The first room of a level always has a lighting gateway, and the second shares it.
            if (n === 0 && !kinds.includes('lighting')) {
              if (kinds.length > 3) kinds[kinds.length - 1] = 'lighting';
              else kinds.push('lighting');
            }
            const shareLighting = previousLighting !== undefined && (n === 1 || random.chance(0.3));
            let lightingHere: string | undefined;
            for (const kind of kinds) {
              // Some rooms share the previous room's lighting gateway (a module in two systems).
              if (
                kind === 'lighting' &&
                shareLighting &&
                previousLighting !== undefined &&
                lightingHere === undefined
              ) {
                sys.modules.push(previousLighting);
                lightingHere = previousLighting;
                continue;
              }
              const m = addModule(kind, sys);
              sys.modules.push(m.id);
              if (kind === 'lighting') lightingHere = m.id;
            }
            if (lightingHere === undefined && shareLighting && previousLighting !== undefined) {
              sys.modules.push(previousLighting);
              lightingHere = previousLighting;
            }
            previousLighting = lightingHere;
          }
        }
      }
    }
  }
  return { systems, zones, modules, drivers, states, driverTypes, ids, random };
}
