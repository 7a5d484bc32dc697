import type { JsonValue } from '@app/placeos-client';
import { RuleSet, type PrivacyRuleInput, normalizeRule } from '@app/privacy';
const TOPIC = 'placeos/zone-org1/state/zone-bld1/zone-lvl3/zone-area2/sys-G0f6Jj5r2Q/driver-Bkg/Bookings/1/current';
const TARGET = { id: 'cloud', secret: 'a'.repeat(128) };
const plain: JsonValue = { id: 'bk-1029', title: 'Weekly sync room-42', host: 'Alice', attendees: [], start: 1732500000, end: 1732503600, phone: 'n/a', creator: 'system', private: false };
const BOOKING: JsonValue = { id: 'bk-1029', title: 'Weekly sync room-42', host: 'alice.smith+work@example.com', attendees: [{ name: 'Bob', email: 'bob@example.org' }], start: 1732500000, end: 1732503600, phone: '+61 2 9876 5432', creator: 'user-G0f6Jj5r2Q', private: false };
const inputs: PrivacyRuleInput[] = [
  { name: 'hash-emails', match: { detector: 'email' }, action: 'hash' },
  { name: 'mask-phones', match: { detector: 'phone' }, action: 'mask', mask: { keepEnd: 2 } },
  { name: 'hash-users', match: { detector: 'placeos_user_id' }, action: 'hash' },
  { name: 'mask-ips', match: { detector: 'ipv4' }, action: 'mask' },
  { name: 'uuids', match: { detector: 'uuid' }, action: 'replace' },
  { name: 'room-codes', match: { regex: 'room-[0-9]+', flags: 'i' }, action: 'replace' },
  { name: 'secret-words', match: { regex: '\\b(?:password|token)=\\S+' }, action: 'replace' },
  { name: 'host-mask', keys: ['host'], action: 'mask', mask: { keepDomain: true, keepStart: 1 } },
  { name: 'attendee-names', keys: ['attendees[*].name'], action: 'hash' },
  { name: 'titles', keys: ['title', 'subject'], match: { regex: 'confidential', flags: 'i' }, action: 'replace' },
  { name: 'drop-private', keys: ['private_booking'], action: 'drop' },
  { name: 'drop-secret', match: { regex: 'TOP SECRET' }, action: 'drop' },
  { name: 'codes', match: { regex: '[A-Z]{3}-[0-9]{4}' }, action: 'mask' },
  { name: 'ids', keys: ['id'], match: { regex: 'bk-[0-9]+' }, action: 'hash' },
];
for (const inp of inputs) {
  const rs = RuleSet.compile([{ ...normalizeRule(inp), id: 'x', version: 1, createdAt: '', updatedAt: '' }]);
  for (const [label, v] of [['plain', plain], ['booking', BOOKING]] as const) {
    for (let i = 0; i < 20000; i++) rs.apply(TOPIC, v, TARGET);
    const t = performance.now(); const N = 100000;
    for (let i = 0; i < N; i++) rs.apply(TOPIC, v, TARGET);
    console.log(inp.name.padEnd(16), label.padEnd(8), ((performance.now() - t) * 1000 / N).toFixed(2));
  }
}
