import type { BrokerConnection } from './broker-connection';

/** The part of a broker connection the pacer reads. */
export type PacedConnection = Pick<BrokerConnection, 'backlog' | 'online' | 'whenBacklogAtMost'>;

export interface BacklogPacerOptions {
  /** Backlog (messages queued, not yet sent) at which a broker counts as behind. */
  high: number;
  /** Backlog a broker that was behind must come down to before more is asked for. */
  low: number;
  /** Longest pause: the condition is checked again after this long whatever happens. */
  recheckMs: number;
}

const DEFAULTS: BacklogPacerOptions = { high: 2_000, low: 500, recheckMs: 1_000 };

/**
 * Tells an ingestion source whether to ask PlaceOS for more initial values (binds, hash reads)
 * now. A first sync can read a hundred thousand values far faster than a broker acknowledges
 * them within its Receive Maximum; without pacing they wait in the outboxes as payloads, and
 * the memory of a large portfolio goes to a backlog. Paced, the first sync asks for more while
 * some connected broker is keeping up, so the backlog stays bounded and the event loop turns
 * fast enough for the acknowledgements to come back. A broker that is down or stalled never
 * holds the others back: only the fastest connected broker sets the pace, and with none
 * connected nothing is held back at all. Live changes are never paced.
 */
export class BacklogPacer {
  private readonly options: BacklogPacerOptions;
  private waiting: Array<() => void> = [];
  private cancel: Array<() => void> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly connections: readonly PacedConnection[],
    options: Partial<BacklogPacerOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Whether more initial values may be asked for now. */
  canTakeMore(): boolean {
    let anyOnline = false;
    for (const connection of this.connections) {
      if (!connection.online) continue;
      anyOnline = true;
      if (connection.backlog < this.options.high) return true;
    }
    return !anyOnline;
  }

  /** Calls `resume` once when a connected broker has caught up (or a while later anyway). */
  onceReady(resume: () => void): void {
    this.waiting.push(resume);
    if (this.waiting.length > 1) return;
    const release = (): void => this.release();
    for (const connection of this.connections) {
      if (connection.online) {
        this.cancel.push(connection.whenBacklogAtMost(this.options.low, release));
      }
    }
    if (this.waiting.length > 0) {
      this.timer = setTimeout(release, this.options.recheckMs);
      this.timer.unref();
    }
  }

  private release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const cancel of this.cancel.splice(0)) cancel();
    for (const resume of this.waiting.splice(0)) resume();
  }
}
