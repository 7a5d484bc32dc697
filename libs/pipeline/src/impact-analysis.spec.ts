import {
  normalizeRule,
  normalizeSubject,
  type PrivacyRule,
  type PrivacyRuleInput,
  RuleSet,
  subjectDigest,
  SubjectSet,
} from '@app/privacy';
import { describe, expect, it } from 'vitest';
import { DeliveryPlanner } from './delivery-planner';
import { analyseImpact } from './impact-analysis';
import type { OutgoingMessage } from './outgoing-message';

const topic = (module: string, n: number) =>
  `placeos/org/state/bld/sys-${n}/drv/${module}/1/current`;

const MESSAGES: OutgoingMessage[] = [
  ...[1, 2, 3, 4, 5, 6, 7].map((n): OutgoingMessage => ({
    kind: 'state',
    topic: topic('Bookings', n),
    json: JSON.stringify({ host: `person${n}@example.com`, title: 'Sync' }),
    time: 1000,
  })),
  { kind: 'state', topic: topic('Display', 1), json: 'true', time: 1000 },
  { kind: 'state', topic: topic('Display', 2), json: '"hdmi"', time: 1000 },
  { kind: 'metadata', topic: 'placeos/org/metadata/sys-1', json: '{"id":"sys-1"}', time: 7 },
];

let sequence = 0;
function rules(...inputs: PrivacyRuleInput[]): RuleSet {
  return RuleSet.compile(
    inputs.map((input): PrivacyRule => {
      const at = new Date(Date.UTC(2026, 0, 1, 0, 0, ++sequence)).toISOString();
      return {
        ...normalizeRule(input),
        id: `r${sequence}`,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
    }),
  );
}

function planner(current = RuleSet.EMPTY): DeliveryPlanner {
  const p = new DeliveryPlanner(
    [
      { id: 'local', secret: 'one', rewrite: {} },
      { id: 'cloud', secret: 'two', rewrite: { topicPrefix: 'tenant/' } },
    ],
    { hierarchy: ['org', 'building'], timeUnit: 'ms' },
  );
  p.setRules(current);
  return p;
}

const hashEmails: PrivacyRuleInput = {
  name: 'hash-emails',
  match: { detector: 'email' },
  action: 'hash',
};
const dropBookings: PrivacyRuleInput = {
  name: 'drop-bookings',
  topic: 'placeos/+/state/+/+/+/Bookings/#',
  action: 'drop',
};

describe('analyseImpact', () => {
  it('counts, per broker, the topics a new rule changes and samples a few of them', async () => {
    const [local, cloud] = await analyseImpact(MESSAGES, planner(), rules(hashEmails));
    expect(local).toMatchObject({ broker: 'local', changed: 7, dropped: 0, unchanged: 3 });
    expect(cloud).toMatchObject({ broker: 'cloud', changed: 7, dropped: 0, unchanged: 3 });
    expect(local.samples).toHaveLength(5);
    expect(local.samples[0]).toEqual({
      topic: topic('Bookings', 1),
      before: '{"time":1000,"value":{"host":"person1@example.com","title":"Sync"}}',
      after: expect.stringMatching(
        /^\{"time":1000,"value":\{"host":"[0-9a-f]{64}","title":"Sync"\}\}$/,
      ),
    });
    expect(cloud.samples[0].topic).toBe(`tenant/${topic('Bookings', 1)}`);
    expect(cloud.samples[0].after).not.toBe(local.samples[0].after);
  });

  it('counts drops apart from changes, and a removed drop as a change', async () => {
    const [local] = await analyseImpact(MESSAGES, planner(rules(hashEmails)), rules(dropBookings));
    expect(local).toMatchObject({ changed: 0, dropped: 7, unchanged: 3 });
    expect(local.samples[0].after).toBeNull();
    const [back] = await analyseImpact(MESSAGES, planner(rules(dropBookings)), RuleSet.EMPTY);
    expect(back).toMatchObject({ changed: 7, dropped: 0, unchanged: 3 });
    expect(back.samples[0].before).toBeNull();
    expect(back.samples[0].after).toContain('person1@example.com');
  });

  it('finds no change when both sets do the same, and follows broker lists', async () => {
    const same = await analyseImpact(MESSAGES, planner(rules(hashEmails)), rules(hashEmails));
    expect(same.map((b) => [b.changed, b.dropped, b.unchanged])).toEqual([
      [0, 0, 10],
      [0, 0, 10],
    ]);
    const cloudOnly = await analyseImpact(
      MESSAGES,
      planner(),
      rules({ ...dropBookings, brokers: ['cloud'] }),
    );
    expect(cloudOnly.map((b) => [b.broker, b.changed, b.dropped])).toEqual([
      ['local', 0, 0],
      ['cloud', 0, 7],
    ]);
  });

  it('compares rules whose place in the order changed, since order can change the result', async () => {
    const mask = {
      name: 'mask',
      match: { detector: 'email' },
      action: 'mask',
      priority: 1,
    } as const;
    const current = rules(mask, { ...hashEmails, priority: 2 });
    const sameRulesOtherOrder = rules({ ...mask, priority: 3 }, { ...hashEmails, priority: 2 });
    const [local] = await analyseImpact(MESSAGES, planner(current), sameRulesOtherOrder);
    expect(local).toMatchObject({ changed: 7, dropped: 0, unchanged: 3 });
  });

  it('applies the registered subjects on both sides', async () => {
    const p = planner();
    const key = 'subject-key';
    p.setSubjects(
      SubjectSet.compile(
        [{ digest: subjectDigest(key, normalizeSubject('person2@example.com')), action: 'drop' }],
        key,
      ),
    );
    const [local] = await analyseImpact(MESSAGES, p, rules(dropBookings));
    // The subject's topic is dropped either way: six bookings are newly dropped, not seven.
    expect(local).toMatchObject({ changed: 0, dropped: 6, unchanged: 4 });
    // After a hash rule the subject no longer appears, so its topic is published again.
    const [hashed] = await analyseImpact(MESSAGES, p, rules(hashEmails));
    expect(hashed).toMatchObject({ changed: 7, dropped: 0, unchanged: 3 });
    expect(hashed.samples[1]).toMatchObject({ topic: topic('Bookings', 2), before: null });
  });

  it('yields to the event loop between chunks', async () => {
    let pauses = 0;
    const result = await analyseImpact(MESSAGES, planner(), rules(hashEmails), {
      chunk: 3,
      pause: () => {
        pauses++;
        return Promise.resolve();
      },
    });
    expect(pauses).toBe(3);
    expect(result[0].changed + result[0].dropped + result[0].unchanged).toBe(MESSAGES.length);
  });
});
