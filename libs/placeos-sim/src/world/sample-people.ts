import { IdGenerator } from './id-generator';
import { SeededRandom } from './seeded-random';

const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Mia',
  'Noah',
  'Zoe',
  'Ethan',
  'Chloe',
  'Lucas',
  'Isla',
  'Omar',
  'Priya',
  'Kenji',
  'Sofia',
  'Mateo',
  'Aisha',
  'Finn',
];
const LAST_NAMES = [
  'Nguyen',
  'Smith',
  'Patel',
  'Garcia',
  'Kim',
  'Brown',
  'Rossi',
  'Cohen',
  'Silva',
  'Tanaka',
  'Murphy',
  'Okafor',
  'Larsen',
  'Dubois',
];
const MEETING_TITLES = [
  'Weekly sync',
  'Design review',
  'Quarterly planning',
  '1:1',
  'Customer call',
  'Sprint retro',
  'Budget review',
  'Interview',
  'All hands prep',
  'Project kickoff',
];

/** A made-up person with the identifiers privacy rules look for. */
export interface SamplePerson {
  name: string;
  email: string;
  phone: string;
  userId: string;
}

/** A random person with an email, phone number and PlaceOS user id. */
export function samplePerson(random: SeededRandom, ids: IdGenerator): SamplePerson {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  return {
    name: `${first} ${last}`,
    email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
    phone: samplePhone(random),
    userId: ids.userId(),
  };
}

/** An Australian-style phone number such as "+61 2 9123 4567". */
export function samplePhone(random: SeededRandom): string {
  return `+61 2 9${random.int(100, 999)} ${random.int(1000, 9999)}`;
}

/** A booking object shaped like the PlaceOS Bookings driver's entries. */
export function sampleBooking(
  random: SeededRandom,
  ids: IdGenerator,
  roomName: string,
  roomEmail: string | undefined,
  startEpoch: number,
): Record<string, unknown> {
  const host = samplePerson(random, ids);
  const attendees = [{ email: host.email, name: host.name }];
  const extra = random.int(0, 3);
  for (let i = 0; i < extra; i += 1) {
    const guest = samplePerson(random, ids);
    attendees.push({ email: guest.email, name: guest.name });
  }
  const duration = random.pick([1800, 3600, 5400]);
  return {
    id: random.uuid(),
    title: random.pick(MEETING_TITLES),
    host: { email: host.email, name: host.name },
    organizer: host.email,
    user_id: host.userId,
    attendees,
    event_start: startEpoch,
    event_end: startEpoch + duration,
    location: roomName,
    ...(roomEmail === undefined ? {} : { resource: roomEmail }),
    private: random.chance(0.1),
    all_day: false,
    recurring: random.chance(0.3),
  };
}
