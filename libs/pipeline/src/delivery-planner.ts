import { type JsonValue, serializeLike } from '@app/json';
import {
  type AppliedRule,
  type DetectorName,
  type FilterResult,
  RuleSet,
  type SubjectAction,
  SubjectSet,
  unprotectedDetectors,
} from '@app/privacy';
import { destinationTopic, encodePayload } from '@app/topics';
import type { BrokerTarget } from './broker-target';
import { DeliveryLedger } from './delivery-ledger';
import type { LeakFindings } from './leak-findings';
import type { Delivery, OutgoingMessage } from './outgoing-message';

/**
 * How registered data subjects show in a delivery's `applied` (and so in the rule-hit metric):
 * one pseudo rule per action, never one per subject, so no subject becomes a label. The name
 * cannot be a rule's (rule names allow no parentheses).
 */
const SUBJECTS_APPLIED: Readonly<Record<SubjectAction, AppliedRule>> = Object.freeze({
  replace: Object.freeze({ id: 'subjects', name: '(data subjects)', action: 'replace' }),
  hash: Object.freeze({ id: 'subjects', name: '(data subjects)', action: 'hash' }),
  drop: Object.freeze({ id: 'subjects', name: '(data subjects)', action: 'drop' }),
});
const NONE_APPLIED: readonly AppliedRule[] = Object.freeze([]);

export interface DeliveryPlannerOptions {
  hierarchy: string[];
  timeUnit: 'ms' | 's';
  /**
   * The leak canary's tally: what `plan` delivers (live events and re-publications, never
   * previews or impact) is scanned by the built-in detectors after the rules and the subjects.
   */
  findings?: LeakFindings;
}

/**
 * One message's value while it is planned for every broker: its text, parsed at most once and
 * only when a rule, a subject or the leak canary needs the structure, and the payload of the
 * unfiltered text, shared by every broker that receives it unchanged.
 */
class ValueUnderPlan {
  private parsedValue?: JsonValue;
  private parsed = false;
  private sharedPayload?: string;
  private sharedDigest = 0;
  /** Only string leaves can hold what subjects and detectors look for. */
  readonly hasStrings: boolean;

  constructor(
    readonly json: string,
    private readonly time: number,
    private readonly unit: 'ms' | 's',
  ) {
    this.hasStrings = json.includes('"');
  }

  get value(): JsonValue {
    if (!this.parsed) {
      this.parsedValue = JSON.parse(this.json) as JsonValue;
      this.parsed = true;
    }
    return this.parsedValue as JsonValue;
  }

  payloadOf(json: string): { payload: string; digest: number } {
    if (json !== this.json) {
      return {
        payload: encodePayload(json, this.time, this.unit),
        digest: DeliveryLedger.digest(json),
      };
    }
    if (this.sharedPayload === undefined) {
      this.sharedPayload = encodePayload(json, this.time, this.unit);
      this.sharedDigest = DeliveryLedger.digest(json);
    }
    return { payload: this.sharedPayload, digest: this.sharedDigest };
  }
}

/** A delivery and, when it carries a value, the value after the rules and the subjects. */
interface Evaluation {
  delivery: Delivery;
  /** The filtered value when a rule or subject rewrote it; undefined when the text went as sent. */
  rewritten?: JsonValue;
}

/**
 * Turns one OutgoingMessage into what each broker receives: its privacy rules applied to the
 * value, then the registered data subjects, its topic rewrite, the exact payload bytes. Pure
 * given the rule set, the subjects and the targets, so live events, previews, impact and
 * re-publications all share one code path. The value's text is published as it came; only a
 * rule or subject that rewrites a value re-serialises it, keeping every untouched number and
 * string as it was sent.
 */
export class DeliveryPlanner {
  private ruleSet: RuleSet = RuleSet.EMPTY;
  private subjectSet: SubjectSet = SubjectSet.EMPTY;

  constructor(
    private targets: readonly BrokerTarget[],
    private readonly options: DeliveryPlannerOptions,
  ) {}

  get rules(): RuleSet {
    return this.ruleSet;
  }

  get subjects(): SubjectSet {
    return this.subjectSet;
  }

  get brokers(): readonly BrokerTarget[] {
    return this.targets;
  }

  setRules(ruleSet: RuleSet): void {
    this.ruleSet = ruleSet;
  }

  setSubjects(subjects: SubjectSet): void {
    this.subjectSet = subjects;
  }

  /**
   * What each broker receives, appended to `out`; what goes out is also shown to the leak
   * canary. `topicKey` may be passed when the caller has it already.
   */
  plan(
    message: OutgoingMessage,
    out: Delivery[],
    targets: readonly BrokerTarget[] = this.targets,
    topicKey = DeliveryLedger.topicKey(message.topic),
  ): void {
    if (message.kind === 'clear') {
      for (const target of targets) out.push(this.clearFor(message.topic, topicKey, target));
      return;
    }
    const under = new ValueUnderPlan(message.json, message.time, this.options.timeUnit);
    const findings = this.options.findings;
    // Brokers whose rules leave the value alone share one scan.
    let scanned: { of: JsonValue | string; detectors: DetectorName[] } | undefined;
    for (const target of targets) {
      const { delivery, rewritten } = this.evaluate(
        message,
        topicKey,
        under,
        target,
        this.ruleSet,
        this.subjectSet,
      );
      out.push(delivery);
      if (!findings || delivery.payload === null) continue;
      if (!under.hasStrings) {
        // Nothing a detector reads; forgets a leak this topic had before.
        findings.observe(target.id, message.topic, delivery.digest, []);
        continue;
      }
      if (findings.counted(target.id, message.topic, delivery.digest)) continue;
      const output = rewritten ?? under.json;
      if (!scanned || !Object.is(scanned.of, output)) {
        const outputValue = rewritten ?? under.value;
        scanned = { of: output, detectors: unprotectedDetectors(outputValue, under.value) };
      }
      findings.observe(target.id, message.topic, delivery.digest, scanned.detectors);
    }
  }

  /** What one broker receives under `ruleSet` (default: the rules in effect) and the subjects. */
  planFor(message: OutgoingMessage, target: BrokerTarget, ruleSet = this.ruleSet): Delivery {
    const topicKey = DeliveryLedger.topicKey(message.topic);
    if (message.kind === 'clear') return this.clearFor(message.topic, topicKey, target);
    const under = new ValueUnderPlan(message.json, message.time, this.options.timeUnit);
    return this.evaluate(message, topicKey, under, target, ruleSet, this.subjectSet).delivery;
  }

  /** planFor() when the rules already ran: `result` is their outcome for this message and broker. */
  planFiltered(
    message: Extract<OutgoingMessage, { json: string }>,
    target: BrokerTarget,
    result: FilterResult,
  ): Delivery {
    const topicKey = DeliveryLedger.topicKey(message.topic);
    const under = new ValueUnderPlan(message.json, message.time, this.options.timeUnit);
    return this.evaluate(message, topicKey, under, target, result, this.subjectSet).delivery;
  }

  private clearFor(canonicalTopic: string, topicKey: number, target: BrokerTarget): Delivery {
    return {
      brokerId: target.id,
      kind: 'clear',
      canonicalTopic,
      topicKey,
      topic: destinationTopic(canonicalTopic, target.rewrite, this.options.hierarchy),
      payload: null,
      dropped: false,
      applied: NONE_APPLIED,
      digest: 0,
      skipIfHeld: false,
    };
  }

  private evaluate(
    message: Extract<OutgoingMessage, { json: string }>,
    topicKey: number,
    under: ValueUnderPlan,
    target: BrokerTarget,
    rules: RuleSet | FilterResult,
    subjects: SubjectSet,
  ): Evaluation {
    const topic = destinationTopic(message.topic, target.rewrite, this.options.hierarchy);
    const dropped = (applied: readonly AppliedRule[]): Evaluation => ({
      delivery: {
        brokerId: target.id,
        kind: message.kind,
        canonicalTopic: message.topic,
        topicKey,
        topic,
        payload: null,
        dropped: true,
        applied,
        digest: 0,
        skipIfHeld: false,
      },
    });
    let rewritten: JsonValue | undefined;
    let applied = NONE_APPLIED;
    const result =
      rules instanceof RuleSet
        ? rules.mayChange(message.topic, target.id, under.json)
          ? rules.apply(message.topic, under.value, target)
          : undefined
        : rules;
    if (result) {
      if (result.outcome === 'drop') return dropped(result.applied);
      if (result.changed) rewritten = result.value;
      applied = result.applied;
    }
    // Subjects come after the rules, for every broker: whatever the rules left readable. Only
    // a string can be (or hold) a subject.
    if (subjects.size > 0 && (rewritten !== undefined || under.hasStrings)) {
      const subjected = subjects.apply(rewritten ?? under.value, target.secret);
      if (subjected.outcome === 'drop') return dropped([...applied, SUBJECTS_APPLIED.drop]);
      if (subjected.actions.length > 0) {
        rewritten = subjected.value;
        applied = [...applied, ...subjected.actions.map((action) => SUBJECTS_APPLIED[action])];
      }
    }
    let json = under.json;
    if (rewritten !== undefined) {
      try {
        json = serializeLike(under.json, under.value, rewritten);
      } catch {
        // Too deep to write: fail closed, as the rules do for a value too deep to inspect.
        return dropped(applied);
      }
    }
    const { payload, digest } = under.payloadOf(json);
    return {
      delivery: {
        brokerId: target.id,
        kind: message.kind,
        canonicalTopic: message.topic,
        topicKey,
        topic,
        payload,
        dropped: false,
        applied,
        digest,
        skipIfHeld: message.skipIfHeld === true,
      },
      rewritten,
    };
  }
}
