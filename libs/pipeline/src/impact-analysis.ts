import type { JsonValue } from '@app/json';
import { jsonEqual, RuleSet } from '@app/privacy';
import type { BrokerTarget } from './broker-target';
import type { DeliveryPlanner } from './delivery-planner';
import type { OutgoingMessage } from './outgoing-message';

/** One topic a proposed rule set would change on a broker: its payload now and then. */
export interface ImpactSample {
  /** The topic on that broker. */
  topic: string;
  /** The payload the broker holds under the rules in effect; null when they drop it. */
  before: string | null;
  /** The payload under the proposed rules; null when they drop it. */
  after: string | null;
}

/** What saving a proposed rule set would do to one broker's retained topics. */
export interface BrokerImpact {
  broker: string;
  /** Topics whose payload would change (including topics the current rules drop). */
  changed: number;
  /** Topics the proposed rules drop and the current ones do not: they would be cleared. */
  dropped: number;
  unchanged: number;
  samples: ImpactSample[];
}

export interface ImpactOptions {
  /** Samples per broker; default 5. */
  maxSamples?: number;
  /** Messages compared between two yields to the event loop; default 1,000. */
  chunk?: number;
  /** How to yield; default setImmediate, so live events keep flowing meanwhile. */
  pause?: () => Promise<void>;
}

type Outcome = 'unchanged' | 'changed' | 'dropped';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Compares what each broker receives for every message under the planner's rules in effect
 * and under `proposed` (both followed by the registered subjects). Nothing is published or
 * stored. Only the rules the two sets do not share can make a difference, so a topic and
 * broker that none of those selects is unchanged without running any rule; where one does,
 * both chains run, and payloads are encoded only when their results differ.
 */
export async function analyseImpact(
  messages: Iterable<OutgoingMessage>,
  planner: DeliveryPlanner,
  proposed: RuleSet,
  options: ImpactOptions = {},
): Promise<BrokerImpact[]> {
  const current = planner.rules;
  const targets = planner.brokers;
  const maxSamples = options.maxSamples ?? 5;
  const chunk = options.chunk ?? 1000;
  const pause = options.pause ?? nextTurn;
  const tallies: BrokerImpact[] = targets.map((target) => ({
    broker: target.id,
    changed: 0,
    dropped: 0,
    unchanged: 0,
    samples: [],
  }));
  const differing = RuleSet.difference(current, proposed);
  let seen = 0;
  for (const message of messages) {
    if (++seen % chunk === 0) await pause();
    if (message.kind === 'clear') continue;
    const levels = message.topic.split('/');
    if (!differing.mayApplyTo(levels)) {
      for (const tally of tallies) tally.unchanged++;
      continue;
    }
    // Parsed once for every broker that needs it; most topics need no broker to.
    let value: JsonValue | undefined;
    targets.forEach((target, i) => {
      const tally = tallies[i];
      if (!differing.mayApplyTo(levels, target.id)) {
        tally.unchanged++;
        return;
      }
      const sampling = tally.samples.length < maxSamples;
      if (value === undefined) value = JSON.parse(message.json) as JsonValue;
      const { outcome, sample } = compare(
        message,
        value,
        levels,
        target,
        planner,
        current,
        proposed,
        sampling,
      );
      tally[outcome]++;
      if (sample) tally.samples.push(sample);
    });
  }
  return tallies;
}

function compare(
  message: Extract<OutgoingMessage, { json: string }>,
  value: JsonValue,
  levels: readonly string[],
  target: BrokerTarget,
  planner: DeliveryPlanner,
  current: RuleSet,
  proposed: RuleSet,
  sampling: boolean,
): { outcome: Outcome; sample?: ImpactSample } {
  const now = current.applyToLevels(levels, value, target);
  const then = proposed.applyToLevels(levels, value, target);
  if (sameValue(now, then)) return { outcome: 'unchanged' };
  // The subjects come after the rules and may still make the two the same (both dropped).
  const subjects = planner.subjects;
  const before = now.outcome === 'drop' ? now : subjects.apply(now.value, target.secret);
  const after = then.outcome === 'drop' ? then : subjects.apply(then.value, target.secret);
  if (sameValue(before, after)) return { outcome: 'unchanged' };
  const outcome = after.outcome === 'drop' ? 'dropped' : 'changed';
  if (!sampling) return { outcome };
  // Only samples are encoded: a payload is the costly part, and the counts need none.
  const was = planner.planFiltered(message, target, now);
  const will = planner.planFiltered(message, target, then);
  return {
    outcome,
    sample: {
      topic: was.topic,
      before: was.payload,
      after: will.payload,
    },
  };
}

type Result = { outcome: 'drop' } | { outcome: 'publish'; value: JsonValue };

function sameValue(a: Result, b: Result): boolean {
  if (a.outcome === 'drop' || b.outcome === 'drop') return a.outcome === b.outcome;
  try {
    return Object.is(a.value, b.value) || jsonEqual(a.value, b.value);
  } catch {
    // Too deep to compare: count it as a change rather than hide one.
    return false;
  }
}
