import { type FilterResult, RuleSet } from '@app/privacy';
import { destinationTopic, encodePayload } from '@app/topics';
import type { BrokerTarget } from './broker-target';
import { DeliveryLedger } from './delivery-ledger';
import type { Delivery, OutgoingMessage } from './outgoing-message';

const VALUE_MARKER = ',"value":';

/**
 * Turns one OutgoingMessage into what each broker receives: its privacy rules applied to the
 * value, its topic rewrite, the exact payload bytes. Pure given the rule set and targets, so
 * live events, previews and re-publications all share one code path.
 */
export class DeliveryPlanner {
  private ruleSet: RuleSet = RuleSet.EMPTY;

  constructor(
    private targets: readonly BrokerTarget[],
    private readonly options: { hierarchy: string[]; timeUnit: 'ms' | 's' },
  ) {}

  get rules(): RuleSet {
    return this.ruleSet;
  }

  get brokers(): readonly BrokerTarget[] {
    return this.targets;
  }

  setRules(ruleSet: RuleSet): void {
    this.ruleSet = ruleSet;
  }

  plan(message: OutgoingMessage, targets: readonly BrokerTarget[] = this.targets): Delivery[] {
    return targets.map((target) => this.planFor(message, target));
  }

  planFor(message: OutgoingMessage, target: BrokerTarget, ruleSet = this.ruleSet): Delivery {
    const topic = destinationTopic(message.topic, target.rewrite, this.options.hierarchy);
    const base = { brokerId: target.id, kind: message.kind, canonicalTopic: message.topic, topic };
    if (message.kind === 'clear') {
      return { ...base, payload: null, dropped: false, applied: [], digest: 0 };
    }
    const result: FilterResult = ruleSet.apply(message.topic, message.value, target);
    if (result.outcome === 'drop') {
      return { ...base, payload: null, dropped: true, applied: result.applied, digest: 0 };
    }
    const payload = encodePayload(result.value, message.time, this.options.timeUnit);
    // The time is left out of the digest: an unchanged value re-read later is not a change.
    const valueText = payload.slice(payload.indexOf(VALUE_MARKER));
    return {
      ...base,
      payload,
      dropped: false,
      applied: result.applied,
      digest: DeliveryLedger.digest(topic, valueText),
    };
  }
}
