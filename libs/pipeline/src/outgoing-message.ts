import type { JsonValue } from '@app/placeos-client';
import type { AppliedRule } from '@app/privacy';

/**
 * A message the bridge wants every broker to hold, before privacy filtering and before any
 * broker rewrites its topic. `clear` removes the retained message at the topic everywhere.
 */
export type OutgoingMessage =
  | { kind: 'state' | 'metadata'; topic: string; value: JsonValue; time: number }
  | { kind: 'clear'; topic: string };

/** What one broker receives for one OutgoingMessage, after its privacy rules. */
export interface Delivery {
  brokerId: string;
  kind: OutgoingMessage['kind'];
  /** The canonical topic (privacy rules and the ledger key on it). */
  canonicalTopic: string;
  /** The topic on this broker (prefix or template applied). */
  topic: string;
  /** The exact bytes to publish; `null` = a zero-length retained payload (clear). */
  payload: string | null;
  /** A drop rule kept the message from this broker (payload is then null). */
  dropped: boolean;
  applied: AppliedRule[];
  /** Identifies topic + filtered value (not time), so unchanged re-publications can be skipped. */
  digest: number;
}
