import { WebSocket } from 'ws';
import { frameText } from '../control/frame-text';

/** A raw `ws` client for tests: records every text frame and waits for frames by predicate. */
export class ControlProbe {
  readonly frames: string[] = [];
  private readonly waiters: {
    pred: (frame: string) => boolean;
    resolve: (frame: string) => void;
  }[] = [];
  private closedResolve: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => (this.closedResolve = resolve));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = frameText(data);
      this.frames.push(text);
      for (const w of [...this.waiters]) {
        if (w.pred(text)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(text);
        }
      }
    });
    socket.on('close', () => this.closedResolve?.());
    socket.on('error', () => undefined);
  }

  /** Opens the control socket; rejects with the HTTP status on a refused upgrade. */
  static connect(
    baseUrl: string,
    options: { headers?: Record<string, string>; query?: string } = {},
  ): Promise<ControlProbe> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/engine/v2/systems/control${options.query ?? ''}`;
    const socket = new WebSocket(url, { headers: options.headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new ControlProbe(socket)));
      socket.once('unexpected-response', (_req, res) =>
        reject(new UpgradeRefused(res.statusCode ?? 0)),
      );
      socket.once('error', reject);
    });
  }

  /** Sends a JSON request or a raw text frame. */
  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or future) matching `pred`. */
  waitFor(pred: (frame: string) => boolean, timeoutMs = 5000): Promise<string> {
    const seen = this.frames.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return this.next(pred, timeoutMs);
  }

  /** Resolves with the next frame that arrives from now on and matches `pred`. */
  next(pred: (frame: string) => boolean, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (f: string) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-10))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Sends an `unbind` with `sentinelId` and waits for its success: the server answers in order, so
   * every reply to earlier requests has arrived by then. Returns the frames received in between.
   */
  async flush(sentinelId: number): Promise<string[]> {
    const start = this.frames.length;
    this.send({ id: sentinelId, cmd: 'unbind', sys: 'sys-none', mod: 'None', name: 'none' });
    await this.waitFor((f) => f === `{"id":${sentinelId},"type":"success"}`);
    return this.frames.slice(start).filter((f) => f !== `{"id":${sentinelId},"type":"success"}`);
  }

  /** Closes the socket and waits for the close. */
  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}

/** The server refused the WebSocket upgrade with this HTTP status. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
