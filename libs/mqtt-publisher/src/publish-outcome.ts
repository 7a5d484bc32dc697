/**
 * What `publish`/`clear` did: queued for delivery, or refused with a reason (never thrown).
 * `later`: the broker may take it once its outbox drains (it overflowed), so it is worth
 * sending again then; other refusals would be refused again.
 */
export type PublishOutcome = 'queued' | { refused: string; later?: true };
