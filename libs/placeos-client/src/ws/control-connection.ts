import { readErrorBody } from '../rest/error-body';
import type { Logger } from 'pino';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { type BackoffOptions, backoffDelay, sleep } from '../util/backoff';

/** Where the control socket connects, its heartbeat, and who hears from it. */
export interface ControlConnectionOptions {
  /** `ws://` or `wss://` URL of `/api/engine/v2/systems/control`. */
  url: string;
  /** Authentication headers, fetched afresh for every connection attempt. */
  headers: () => Promise<Record<string, string>>;
  hostHeader?: string;
  heartbeatMs: number;
  deadSocketMs: number;
  reconnect: BackoffOptions;
  logger: Logger;
  onOpen: () => void;
  onText: (text: string) => void;
  onClose: () => void;
  /** A connection attempt failed (including a refused upgrade: `status` set). */
  /** `detail`: the error text of a refused upgrade's body, e.g. `authority not found`. */
  onError: (error: Error, status?: number, detail?: string) => void;
}

const ROUTE = 'GET /api/engine/v2/systems/control (WebSocket upgrade)';

/**
 * The one control WebSocket, kept open forever: connects, sends a text `ping` every
 * heartbeatMs, treats any frame (the unsolicited `pong` included) as life, terminates a socket
 * that stayed silent for deadSocketMs, and reconnects with jittered exponential backoff.
 */
export class ControlConnection {
  private socket?: WebSocket;
  private stopped = false;
  private corked = false;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private reconnectCount = 0;
  private everOpened = false;

  constructor(private readonly options: ControlConnectionOptions) {}

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Times a connection was re-established after the first. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.socket?.terminate();
    await this.loop;
  }

  /** Sends a text frame; false when there is no open socket (the caller re-sends on open). */
  send(text: string): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    this.corkUntilNextTick(socket);
    socket.send(text);
    return true;
  }

  /**
   * The binds of one tick (up to a window's worth) leave in one write: ws writes each frame
   * with a system call of its own otherwise, a hundred thousand of them for a first sync. Uses
   * ws's underlying net.Socket, which it corks around each frame itself.
   */
  private corkUntilNextTick(socket: WebSocket): void {
    if (this.corked) return;
    const raw = (socket as unknown as { _socket?: Partial<Pick<Socket, 'cork' | 'uncork'>> })
      ._socket;
    if (typeof raw?.cork !== 'function' || typeof raw.uncork !== 'function') return;
    raw.cork();
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      raw.uncork?.();
    });
  }

  /** Drops the current socket (it will reconnect), e.g. to pick up fresh credentials. */
  restart(): void {
    this.socket?.terminate();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const opened = await this.connectOnce();
      if (this.stopped) break;
      attempt = opened ? 0 : attempt + 1;
      await sleep(backoffDelay(attempt, this.options.reconnect), this.abort.signal);
    }
  }

  /** One connection's life; resolves when it closes. Returns whether it ever opened. */
  private async connectOnce(): Promise<boolean> {
    let headers: Record<string, string>;
    try {
      headers = await this.options.headers();
    } catch (error) {
      this.options.onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    if (this.stopped) return false;
    if (this.options.hostHeader) headers.host = this.options.hostHeader;
    return new Promise<boolean>((resolve) => {
      let opened = false;
      let refused = false;
      let lastLife = Date.now();
      let heartbeat: NodeJS.Timeout | undefined;
      const socket = new WebSocket(this.options.url, {
        headers,
        perMessageDeflate: false,
        handshakeTimeout: this.options.deadSocketMs,
      });
      this.socket = socket;
      socket.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        refused = true;
        readErrorBody(response, (detail) => {
          this.options.onError(
            new Error(`PlaceOS refused ${ROUTE} with HTTP ${status}`),
            status,
            detail,
          );
          socket.terminate();
        });
      });
      socket.on('open', () => {
        opened = true;
        lastLife = Date.now();
        if (this.everOpened) this.reconnectCount++;
        this.everOpened = true;
        this.options.logger.info('PlaceOS control WebSocket connected');
        heartbeat = setInterval(() => {
          if (Date.now() - lastLife > this.options.deadSocketMs) {
            this.options.logger.warn(
              { silentMs: Date.now() - lastLife },
              'PlaceOS control WebSocket silent too long; reconnecting',
            );
            socket.terminate();
            return;
          }
          if (socket.readyState === WebSocket.OPEN) socket.send('ping');
        }, this.options.heartbeatMs);
        this.options.onOpen();
      });
      socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        lastLife = Date.now();
        if (isBinary) {
          this.options.onText('');
          return;
        }
        this.options.onText(rawToString(data));
      });
      socket.on('pong', () => {
        lastLife = Date.now();
      });
      socket.on('error', (error: Error) => {
        // After a refused upgrade, ws reports the aborted handshake too: keep the real reason.
        if (refused) return;
        if (!opened) this.options.onError(new Error(`${ROUTE} failed: ${error.message}`));
        else this.options.logger.warn({ err: error.message }, 'PlaceOS control WebSocket error');
      });
      socket.on('close', (code: number) => {
        clearInterval(heartbeat);
        if (this.socket === socket) this.socket = undefined;
        if (opened) {
          if (this.stopped) this.options.logger.debug({ code }, 'PlaceOS control WebSocket closed');
          else this.options.logger.warn({ code }, 'PlaceOS control WebSocket closed');
          this.options.onClose();
        }
        resolve(opened);
      });
    });
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
