import type { TopicLimitKind } from '@app/topics';
import type { Logger } from 'pino';
import type { PublishOutcome } from './publish-outcome';

/** Why a message did not go to a broker: a low-cardinality label for counters. */
export type RefusalReason =
  | 'closed'
  | 'outbox_full'
  | 'invalid_topic'
  | TopicLimitKind
  | 'payload_too_large'
  | 'packet_too_large'
  | 'exceeds_byte_rate'
  | 'broker_refused';

export interface Refusal {
  reason: RefusalReason;
  /** A description without the topic (topics can carry names that privacy rules protect). */
  detail: string;
}

const LOG_INTERVAL_MS = 60_000;

/**
 * Every refusal of one broker, counted by reason and logged: the first of each reason at once,
 * then at most once a minute per reason with the number refused since, so a flood of refusals
 * never floods the log and none goes unmentioned.
 */
export class Refusals {
  private readonly counts = new Map<RefusalReason, number>();
  private readonly unlogged = new Map<RefusalReason, number>();
  private readonly loggedAt = new Map<RefusalReason, number>();
  private count = 0;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get total(): number {
    return this.count;
  }

  /** Counts and logs the refusal; returns the outcome to hand back to the caller. */
  refuse(refusal: Refusal): PublishOutcome {
    const { reason, detail } = refusal;
    this.count++;
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    const pending = (this.unlogged.get(reason) ?? 0) + 1;
    const now = this.now();
    const last = this.loggedAt.get(reason);
    if (last !== undefined && now - last < LOG_INTERVAL_MS) {
      this.unlogged.set(reason, pending);
    } else {
      this.loggedAt.set(reason, now);
      this.unlogged.set(reason, 0);
      this.logger.warn(
        { reason, detail, refused: pending },
        'messages refused: they break the broker limits or cannot be delivered',
      );
    }
    return reason === 'outbox_full' ? { refused: detail, later: true } : { refused: detail };
  }

  byReason(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
