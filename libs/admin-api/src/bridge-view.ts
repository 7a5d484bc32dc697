import type { JsonValue } from '@app/placeos-client';
import type { AppliedRule, PrivacyRule } from '@app/privacy';
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
  applied: AppliedRule[];
}

/** The running bridge as the admin API sees it: broker status and a dry run of the filter chain. */
export interface BridgeView {
  brokers(): BrokerStatus[];
  /** What each broker would receive for `value` at canonical `topic` under `rules` (already in application order). */
  preview(topic: string, value: JsonValue, rules: PrivacyRule[]): Promise<BrokerPreview[]>;
}
