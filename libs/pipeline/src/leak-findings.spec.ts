import { describe, expect, it } from 'vitest';
import { LeakFindings } from './leak-findings';

const ROOM = (n: number) => `placeos/o/state/b/l/a/sys-${n}/drv/Bookings/1/current`;
const FILTER = 'placeos/o/state/+/+/+/+/drv/Bookings/+/current';

function tally(options: Partial<ConstructorParameters<typeof LeakFindings>[0]> = {}) {
  let clock = Date.UTC(2026, 0, 1);
  const fresh: string[] = [];
  const counted: string[] = [];
  const findings = new LeakFindings({
    hierarchyLength: 4,
    now: () => clock,
    onNewFinding: (f) => fresh.push(`${f.broker} ${f.detector} ${f.topicFilter}`),
    onUnprotectedValue: (broker, detector) => counted.push(`${broker} ${detector}`),
    ...options,
  });
  return { findings, fresh, counted, tick: (ms: number) => (clock += ms) };
}

describe('LeakFindings', () => {
  it('files leaks of the same kind in different rooms under one finding, counting each value', () => {
    const { findings, fresh, counted, tick } = tally();
    findings.observe('local', ROOM(1), 11, ['email']);
    tick(1000);
    findings.observe('local', ROOM(2), 22, ['email', 'phone']);
    expect(findings.list()).toEqual([
      {
        broker: 'local',
        detector: 'email',
        topicFilter: FILTER,
        count: 2,
        firstSeen: '2026-01-01T00:00:00.000Z',
        lastSeen: '2026-01-01T00:00:01.000Z',
      },
      {
        broker: 'local',
        detector: 'phone',
        topicFilter: FILTER,
        count: 1,
        firstSeen: '2026-01-01T00:00:01.000Z',
        lastSeen: '2026-01-01T00:00:01.000Z',
      },
    ]);
    expect(fresh).toEqual([`local email ${FILTER}`, `local phone ${FILTER}`]);
    expect(counted).toEqual(['local email', 'local email', 'local phone']);
  });

  it('does not count the same value at the same topic twice, but does count a new value', () => {
    const { findings, counted } = tally();
    findings.observe('local', ROOM(1), 11, ['email']);
    expect(findings.counted('local', ROOM(1), 11)).toBe(true);
    findings.observe('local', ROOM(1), 11, ['email']);
    expect(findings.list()[0].count).toBe(1);
    findings.observe('local', ROOM(1), 12, ['email']);
    expect(findings.list()[0].count).toBe(2);
    expect(counted).toHaveLength(2);
  });

  it('keeps brokers apart, and forgets a topic once what it carries is protected', () => {
    const { findings } = tally();
    findings.observe('local', ROOM(1), 11, ['email']);
    findings.observe('cloud', ROOM(1), 11, ['email']);
    findings.observe('local', ROOM(1), 13, []);
    expect(findings.counted('local', ROOM(1), 11)).toBe(false);
    expect(findings.counted('cloud', ROOM(1), 11)).toBe(true);
    // The old value leaking again after the protection went away is news.
    findings.observe('local', ROOM(1), 11, ['email']);
    expect(findings.list().map((f) => `${f.broker} ${f.count}`)).toEqual(['local 2', 'cloud 1']);
  });

  it('stops adding findings at its bound (saying so once) but keeps counting known ones', () => {
    const full: number[] = [];
    const { findings } = tally({ maxFindings: 2, onFull: (max) => full.push(max) });
    findings.observe('a', ROOM(1), 1, ['email']);
    findings.observe('a', 'placeos/o/metadata/sys-1', 2, ['email']);
    findings.observe('b', ROOM(1), 3, ['email']);
    findings.observe('c', ROOM(1), 4, ['uuid']);
    findings.observe('a', ROOM(2), 5, ['email']);
    expect(findings.list().map((f) => `${f.broker} ${f.topicFilter} ${f.count}`)).toEqual([
      `a ${FILTER} 2`,
      'a placeos/o/metadata/+ 1',
    ]);
    expect(full).toEqual([2]);
  });

  it('bounds the topics it remembers per broker', () => {
    const { findings } = tally({ maxTopicsPerBroker: 2 });
    findings.observe('a', ROOM(1), 1, ['email']);
    findings.observe('a', ROOM(2), 2, ['email']);
    findings.observe('a', ROOM(3), 3, ['email']);
    expect(findings.counted('a', ROOM(1), 1)).toBe(false);
    expect(findings.counted('a', ROOM(3), 3)).toBe(true);
  });
});
