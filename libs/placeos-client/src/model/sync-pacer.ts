/**
 * Lets the consumer of a client's changes slow the first sync (and every re-sync after a
 * reconnect) to what it can deliver: before asking PlaceOS for more initial values (a bind, a
 * hash read) the client asks `canTakeMore`, and when told to wait it asks again once `resume`
 * is called. Live changes are never held back: PlaceOS must always be read promptly.
 */
export interface SyncPacer {
  canTakeMore(): boolean;
  /** Calls `resume` once, when more may be asked for (or to check again). */
  onceReady(resume: () => void): void;
}
