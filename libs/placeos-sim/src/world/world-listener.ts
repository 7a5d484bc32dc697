/** Receives the events PlaceOS would publish on Redis (`status/<mod>/<key>` and `lookup-change`). */
export interface WorldListener {
  /** A status key changed; `text` is the stored JSON text, or null when deleted. */
  stateChanged(moduleId: string, key: string, text: string | null): void;
  /** The module lookup of a system may have changed (rename, re-order, add, remove). */
  lookupChanged(systemId: string): void;
}

/** Test controls that live in the running server rather than the data (sockets, faults, tokens, timers). */
export interface SimRuntimeControls {
  dropSockets(): number;
  setPaused(paused: boolean): void;
  injectFault(fault: FaultSpec): void;
  sendRawFrame(text: string): number;
  expireAccessTokens(): void;
  socketCount(): number;
  bindingCount(): number;
}

/** Kinds of REST fault the simulator can inject. */
export type FaultKind = 'status500' | 'hang' | 'truncate' | 'status401';

/** The next `times` requests whose path starts with `pathPrefix` fail as `kind`. */
export interface FaultSpec {
  pathPrefix: string;
  kind: FaultKind;
  times: number;
}
