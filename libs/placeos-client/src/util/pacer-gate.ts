import type { SyncPacer } from '../model/sync-pacer';

/**
 * Asks a SyncPacer before each initial read and, when told to wait, has `resume` called once it
 * may ask again. At most one wait is registered at a time, and its callback is made once per
 * gate rather than per wait: a sync of a million keys may be held back many times.
 */
export class PacerGate {
  private waitingForPacer = false;
  private readonly onReady = (): void => {
    this.waitingForPacer = false;
    this.resume();
  };

  constructor(
    private readonly pacer: SyncPacer | undefined,
    private readonly resume: () => void,
  ) {}

  /** A wait is registered: `resume` will be called, so pumping now would only ask again. */
  get waiting(): boolean {
    return this.waitingForPacer;
  }

  /** Whether one more initial read may go out now; if not, waits for the pacer. */
  admits(): boolean {
    const pacer = this.pacer;
    if (!pacer || pacer.canTakeMore()) return true;
    this.waitingForPacer = true;
    pacer.onceReady(this.onReady);
    return false;
  }
}
