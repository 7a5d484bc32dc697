import type { AppliedRule } from '@app/privacy';

/**
 * A message the bridge wants every broker to hold, before privacy filtering and before any
 * broker rewrites its topic. `json` is the value's JSON text (a state value as PlaceOS sent
 * it). `skipIfHeld` marks a re-read or re-published value rather than a change: a broker that
 * already holds it is left alone. `clear` removes the retained message at the topic everywhere.
 */
export type OutgoingMessage =
  | {
      kind: 'state' | 'metadata';
      topic: string;
      json: string;
      time: number;
      skipIfHeld?: boolean;
    }
  | { kind: 'clear'; topic: string };

/** What one broker receives for one OutgoingMessage, after its privacy rules. */
export interface Delivery {
  brokerId: string;
  kind: OutgoingMessage['kind'];
  /** The canonical topic (privacy rules and the findings key on it). */
  canonicalTopic: string;
  /** The canonical topic's key in the delivery ledger (DeliveryLedger.topicKey). */
  topicKey: number;
  /** The topic on this broker (prefix or template applied). */
  topic: string;
  /**
   * The exact payload text (UTF-8 on the wire), one string shared by every broker that receives
   * the value unchanged; `null` = a zero-length retained payload (clear).
   */
  payload: string | null;
  /** A drop rule kept the message from this broker (payload is then null). */
  dropped: boolean;
  applied: readonly AppliedRule[];
  /** Identifies the filtered value (not time), so unchanged re-publications can be skipped. */
  digest: number;
  /** The message's skipIfHeld: not sent when the ledger says the broker holds `digest`. */
  skipIfHeld: boolean;
}
