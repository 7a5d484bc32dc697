import { WebSocket } from 'ws';
import { SimPrincipal } from '../auth/sim-auth';
import { SocketPressure } from '../world/world-listener';

/**
 * The bindings of one session to one `(sys, mod, index)` slot. Grouping by slot keeps a binding down to
 * one map entry (status name → bind id), so a session can hold millions of bindings.
 */
export interface SlotGroup {
  readonly session: ControlSession;
  readonly sys: string;
  readonly mod: string;
  readonly index: number;
  readonly slotKey: string;
  moduleId: string | undefined;
  readonly bindings: Map<string, number>;
}

/** Highest pending counts seen on any socket since start or the last reset (closed sockets too). */
export interface PressurePeak {
  notifies: number;
  frames: number;
}

/**
 * One control socket. It counts the frames handed to `ws` whose send callback has not fired yet:
 * they sit in user space because the kernel buffer is full, i.e. the client reads too slowly. That
 * is the pressure a real rest-api session would build up for a client that binds more than it reads.
 */
export class ControlSession {
  readonly groups = new Map<string, SlotGroup>();
  bindings = 0;
  pendingNotifies = 0;
  maxPendingNotifies = 0;
  pendingFrames = 0;
  maxPendingFrames = 0;
  // Bound once per session, so counting adds no allocation per frame.
  private readonly frameWritten = (): void => {
    this.pendingFrames -= 1;
  };
  private readonly notifyWritten = (): void => {
    this.pendingFrames -= 1;
    this.pendingNotifies -= 1;
  };

  constructor(
    readonly socket: WebSocket,
    readonly principal: SimPrincipal,
    private readonly peak: PressurePeak,
  ) {}

  send(text: string, notify = false): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.pendingFrames += 1;
    if (this.pendingFrames > this.maxPendingFrames) {
      this.maxPendingFrames = this.pendingFrames;
      if (this.pendingFrames > this.peak.frames) this.peak.frames = this.pendingFrames;
    }
    if (notify) {
      this.pendingNotifies += 1;
      if (this.pendingNotifies > this.maxPendingNotifies) {
        this.maxPendingNotifies = this.pendingNotifies;
        if (this.pendingNotifies > this.peak.notifies) this.peak.notifies = this.pendingNotifies;
      }
    }
    this.socket.send(text, notify ? this.notifyWritten : this.frameWritten);
  }

  pressure(): SocketPressure {
    return {
      pendingNotifies: this.pendingNotifies,
      maxPendingNotifies: this.maxPendingNotifies,
      pendingFrames: this.pendingFrames,
      maxPendingFrames: this.maxPendingFrames,
      bufferedBytes: this.socket.bufferedAmount,
      bindings: this.bindings,
    };
  }

  /** Restarts the maxima from the current values. */
  resetPressure(): void {
    this.maxPendingNotifies = this.pendingNotifies;
    this.maxPendingFrames = this.pendingFrames;
    this.peak.notifies = Math.max(this.peak.notifies, this.pendingNotifies);
    this.peak.frames = Math.max(this.peak.frames, this.pendingFrames);
  }
}
