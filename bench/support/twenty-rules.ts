import type { PrivacyRuleInput } from '@app/privacy';

/**
 * Twenty privacy rules of every kind (detectors, RE2 regexes, key paths, topic filters, hash,
 * mask, replace, drop), as an operator with a busy portfolio might keep: the rule set of the
 * privacy-chain and whole-bridge benchmarks.
 */
export const TWENTY_RULES: readonly PrivacyRuleInput[] = [
  { name: 'hash-emails', match: { detector: 'email' }, action: 'hash', topic: 'placeos/+/state/#' },
  { name: 'mask-phones', match: { detector: 'phone' }, action: 'mask', mask: { keepEnd: 2 } },
  { name: 'hash-users', match: { detector: 'placeos_user_id' }, action: 'hash' },
  { name: 'mask-ips', match: { detector: 'ipv4' }, action: 'mask', topic: 'placeos/+/state/#' },
  { name: 'uuids', match: { detector: 'uuid' }, action: 'replace' },
  { name: 'room-codes', match: { regex: 'room-[0-9]+', flags: 'i' }, action: 'replace' },
  { name: 'secret-words', match: { regex: '\\b(?:password|token)=\\S+' }, action: 'replace' },
  { name: 'host-mask', keys: ['host'], action: 'mask', mask: { keepDomain: true, keepStart: 1 } },
  { name: 'attendee-names', keys: ['attendees[*].name'], action: 'hash' },
  {
    name: 'titles',
    keys: ['title', 'subject'],
    match: { regex: 'confidential', flags: 'i' },
    action: 'replace',
  },
  { name: 'drop-private', keys: ['private_booking'], action: 'drop' },
  { name: 'drop-secret', match: { regex: 'TOP SECRET' }, action: 'drop' },
  {
    name: 'other-bookings',
    topic: 'placeos/+/state/+/+/+/+/+/Bookings/2/#',
    match: { detector: 'email' },
    action: 'drop',
  },
  { name: 'display-only', topic: 'placeos/+/state/+/+/+/+/+/Display/#', action: 'replace' },
  { name: 'metadata', topic: 'placeos/+/metadata/#', match: { detector: 'email' }, action: 'hash' },
  { name: 'other-broker', brokers: ['aws'], match: { detector: 'email' }, action: 'replace' },
  {
    name: 'notes',
    keys: ['notes', 'description'],
    match: { detector: 'phone' },
    action: 'replace',
  },
  { name: 'level-4', topic: 'placeos/+/state/+/zone-lvl4/#', action: 'drop' },
  { name: 'codes', match: { regex: '[A-Z]{3}-[0-9]{4}' }, action: 'mask' },
  { name: 'ids', keys: ['id'], match: { regex: 'bk-[0-9]+' }, action: 'hash' },
];
