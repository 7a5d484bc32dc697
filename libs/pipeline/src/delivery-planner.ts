import type { JsonValue } from '@app/placeos-client';
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

const VALUE_MARKER = ',"value":';

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

export interface DeliveryPlannerOptions {
  hierarchy: string[];
  timeUnit: 'ms' | 's';
  /**
   * The leak canary's tally: what `plan` delivers (live events and re-publications, never
   * previews or impact) is scanned by the built-in detectors after the rules and the subjects.
   */
  findings?: LeakFindings;
}

/** A delivery and, when it carries a value, the value after the rules and the subjects. */
interface Evaluation {
  delivery: Delivery;
  output?: { value: JsonValue };
}

/**
 * Turns one OutgoingMessage into what each broker receives: its privacy rules applied to the
 * value, then the registered data subjects, its topic rewrite, the exact payload bytes. Pure
 * given the rule set, the subjects and the targets, so live events, previews, impact and
 * re-publications all share one code path.
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

  /** What each broker receives; what goes out is also shown to the leak canary. */
  plan(message: OutgoingMessage, targets: readonly BrokerTarget[] = this.targets): Delivery[] {
    const findings = this.options.findings;
    if (!findings || message.kind === 'clear') {
      return targets.map((target) => this.planFor(message, target));
    }
    // Brokers whose rules leave the value alone share one scan.
    let scanned: { value: JsonValue; detectors: DetectorName[] } | undefined;
    return targets.map((target) => {
      const { delivery, output } = this.evaluate(message, target, this.ruleSet, this.subjectSet);
      if (!output || findings.counted(target.id, message.topic, delivery.digest)) return delivery;
      if (!scanned || !Object.is(scanned.value, output.value)) {
        scanned = {
          value: output.value,
          detectors: unprotectedDetectors(output.value, message.value),
        };
      }
      findings.observe(target.id, message.topic, delivery.digest, scanned.detectors);
      return delivery;
    });
  }

  /** What one broker receives under `ruleSet` (default: the rules in effect) and the subjects. */
  planFor(message: OutgoingMessage, target: BrokerTarget, ruleSet = this.ruleSet): Delivery {
    return this.evaluate(message, target, ruleSet, this.subjectSet).delivery;
  }

  /** planFor() when the rules already ran: `result` is their outcome for this message and broker. */
  planFiltered(
    message: Extract<OutgoingMessage, { value: unknown }>,
    target: BrokerTarget,
    result: FilterResult,
  ): Delivery {
    return this.evaluate(message, target, result, this.subjectSet).delivery;
  }

  private evaluate(
    message: OutgoingMessage,
    target: BrokerTarget,
    rules: RuleSet | FilterResult,
    subjects: SubjectSet,
  ): Evaluation {
    const topic = destinationTopic(message.topic, target.rewrite, this.options.hierarchy);
    const base = { brokerId: target.id, kind: message.kind, canonicalTopic: message.topic, topic };
    if (message.kind === 'clear') {
      return { delivery: { ...base, payload: null, dropped: false, applied: [], digest: 0 } };
    }
    const result =
      rules instanceof RuleSet ? rules.apply(message.topic, message.value, target) : rules;
    if (result.outcome === 'drop') {
      const delivery = {
        ...base,
        payload: null,
        dropped: true,
        applied: result.applied,
        digest: 0,
      };
      return { delivery };
    }
    let value = result.value;
    let applied = result.applied;
    // Subjects come after the rules, for every broker: whatever the rules left readable.
    const subjected = subjects.apply(value, target.secret);
    if (subjected.outcome === 'drop') {
      const dropped = [...applied, SUBJECTS_APPLIED.drop];
      return { delivery: { ...base, payload: null, dropped: true, applied: dropped, digest: 0 } };
    }
    if (subjected.actions.length > 0) {
      value = subjected.value;
      applied = [...applied, ...subjected.actions.map((action) => SUBJECTS_APPLIED[action])];
    }
    const payload = encodePayload(value, message.time, this.options.timeUnit);
    // The time is left out of the digest: an unchanged value re-read later is not a change.
    const valueText = payload.slice(payload.indexOf(VALUE_MARKER));
    const delivery: Delivery = {
      ...base,
      payload,
      dropped: false,
      applied,
      digest: DeliveryLedger.digest(topic, valueText),
    };
    return { delivery, output: { value } };
  }
}
