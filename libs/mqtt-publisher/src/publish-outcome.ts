/** What `publish`/`clear` did: queued for delivery, or refused with a reason (never thrown). */
export type PublishOutcome = 'queued' | { refused: string };
