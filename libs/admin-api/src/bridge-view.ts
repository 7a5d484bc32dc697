import type { JsonValue } from '@app/json';
import type { AppliedRule, DetectorName, PrivacyRule } from '@app/privacy';
import type { BrokerStatus } from '@app/mqtt-publisher';

/** What one broker would receive for a previewed message. */
export interface BrokerPreview {
  broker: string;
  /** The topic on that broker (prefix applied); null when dropped or refused. */
  topic: string | null;
  /** The exact payload text; null when dropped or refused. */
  payload: string | null;
  dropped: boolean;
  /** Why the broker's limits would refuse the message (topic too long, payload too large). */
  refused?: string;
  applied: readonly AppliedRule[];
}

/** Personal data the leak canary found in what a broker received (never the value itself). */
export interface LeakFinding {
  broker: string;
  detector: DetectorName;
  topicFilter: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** What saving a proposed rule set would do to one broker's retained topics. */
export interface BrokerImpact {
  broker: string;
  changed: number;
  dropped: number;
  unchanged: number;
  samples: { topic: string; before: string | null; after: string | null }[];
}

/**
 * The running bridge as the admin API sees it: broker status, a dry run of the filter chain,
 * the leak canary's findings and the impact of a proposed rule set.
 */
export interface BridgeView {
  brokers(): BrokerStatus[];
  /** What each broker would receive for `value` at canonical `topic` under `rules` (already in application order). */
  preview(topic: string, value: JsonValue, rules: PrivacyRule[]): Promise<BrokerPreview[]>;
  /** The findings of this replica's leak canary. */
  findings(): LeakFinding[];
  /** Per broker, what the enabled `rules` would change over the current state of every topic. */
  impact(rules: PrivacyRule[]): Promise<BrokerImpact[]>;
}
