/** Receives the events PlaceOS would publish on Redis (`status/<mod>/<key>` and `lookup-change`). */
export interface WorldListener {
  /** A status key changed; `text` is the stored JSON text, or null when deleted. */
  stateChanged(moduleId: string, key: string, text: string | null): void;
  /** The module lookup of a system may have changed (rename, re-order, add, remove). */
  lookupChanged(systemId: string): void;
  /** A module was created with its initial status hash (what its driver writes on start). */
  moduleAdded?(moduleId: string): void;
  /** A module was deleted, and its status hash with it. */
  moduleRemoved?(moduleId: string): void;
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
  pressure(): SimPressure;
  resetPressure(): void;
}

/** Write pressure on one control socket: frames handed to `ws` whose send callback has not fired. */
export interface SocketPressure {
  pendingNotifies: number;
  /** Highest `pendingNotifies` since the socket opened or the last reset. */
  maxPendingNotifies: number;
  /** Every frame (notifies, replies, pongs) still waiting to reach the kernel. */
  pendingFrames: number;
  maxPendingFrames: number;
  /** `ws` `bufferedAmount`: bytes queued in user space. */
  bufferedBytes: number;
  bindings: number;
}

/** `GET /_sim/pressure`: every open socket, plus the maxima over all sockets (closed ones too). */
export interface SimPressure {
  sockets: SocketPressure[];
  maxPendingNotifies: number;
  maxPendingFrames: number;
}

/** Kinds of REST fault the simulator can inject. */
export type FaultKind = 'status500' | 'hang' | 'truncate' | 'status401';

/** The next `times` requests whose path starts with `pathPrefix` fail as `kind`. */
export interface FaultSpec {
  pathPrefix: string;
  kind: FaultKind;
  times: number;
}
