import type { Logger } from 'pino';
import type { StateChange } from '../model/state-change';
import type { SyncPacer } from '../model/sync-pacer';
import type { BackoffOptions } from '../util/backoff';
import type { RateLimitedLog } from '../util/rate-limited-log';
import { BindingTable, slotKeyOf } from './binding-table';
import type { ControlFrame } from './control-frame';
import { ControlConnection } from './control-connection';

/** How the bindings are spread over control sockets and paced on each. */
export interface BindingSocketsOptions {
  /** Bindings one socket holds at most (a slot's keys always share a socket). */
  maxBindingsPerSocket: number;
  /** Bind requests outstanding per socket: the next goes out as replies arrive. */
  bindsInFlight: number;
  bindTimeoutMs: number;
  retry: BackoffOptions;
  /** Everything one control socket needs but its callbacks. */
  connection: Omit<
    ConstructorParameters<typeof ControlConnection>[0],
    'onOpen' | 'onText' | 'onClose' | 'onError'
  >;
  emit: (change: StateChange) => void;
  pacer?: SyncPacer;
  /** A frame from PlaceOS, already routed to its socket's table by `handle`. */
  onText: (text: string, socket: BindingSocket) => void;
  onError: (error: Error, status?: number, detail?: string) => void;
  log: RateLimitedLog;
  logger: Logger;
}

/** One control WebSocket and the bindings it holds. */
export interface BindingSocket {
  readonly index: number;
  readonly connection: ControlConnection;
  readonly table: BindingTable;
}

/**
 * The control sockets of one client. PlaceOS's rest-api starts a fiber per pending notify and
 * feeds one session through one unbuffered channel, so one socket holding every binding lets
 * pending notifies pile up in rest-api until it runs out of memory maps and crashes (seen at
 * 100,000 keys). Bindings are therefore spread over sockets of at most `maxBindingsPerSocket`,
 * each with its own reconnect and re-bind, and initial binds are paced per socket. A slot stays
 * on the socket it was given (no re-binding churn); a new slot goes to the first socket with
 * room, or a new socket.
 */
export class BindingSockets {
  private readonly sockets: BindingSocket[] = [];
  private readonly socketOfSlot = new Map<string, BindingSocket>();
  private started = false;

  constructor(private readonly options: BindingSocketsOptions) {}

  /** Sockets opened so far. */
  get count(): number {
    return this.sockets.length;
  }

  /** At least one socket exists and every socket is open. */
  get connected(): boolean {
    return this.sockets.length > 0 && this.sockets.every((s) => s.connection.connected);
  }

  get reconnects(): number {
    return this.sockets.reduce((sum, s) => sum + s.connection.reconnects, 0);
  }

  get size(): number {
    return this.sum((t) => t.size);
  }

  get bound(): number {
    return this.sum((t) => t.bound);
  }

  get pending(): number {
    return this.sum((t) => t.pending);
  }

  get allBound(): boolean {
    return this.sockets.every((s) => s.table.allBound || s.table.size === 0);
  }

  /** Bindings per socket, in socket order (for status and tests). */
  distribution(): number[] {
    return this.sockets.map((s) => s.table.size);
  }

  slotKeys(): IterableIterator<string> {
    return this.socketOfSlot.keys();
  }

  moduleOfSlot(slotKey: string): string | undefined {
    return this.socketOfSlot.get(slotKey)?.table.moduleOfSlot(slotKey);
  }

  keysOfSlot(slotKey: string): string[] {
    return this.socketOfSlot.get(slotKey)?.table.keysOfSlot(slotKey) ?? [];
  }

  setSlot(
    systemId: string,
    moduleName: string,
    index: number,
    moduleId: string,
    keys: readonly string[],
  ): void {
    const slotKey = slotKeyOf(systemId, moduleName, index);
    const socket = this.socketOfSlot.get(slotKey) ?? this.socketWithRoom(keys.length);
    this.socketOfSlot.set(slotKey, socket);
    socket.table.setSlot(systemId, moduleName, index, moduleId, keys);
  }

  removeSlot(slotKey: string): void {
    const socket = this.socketOfSlot.get(slotKey);
    if (!socket) return;
    this.socketOfSlot.delete(slotKey);
    socket.table.removeSlot(slotKey);
  }

  sweep(): void {
    for (const socket of this.sockets) socket.table.sweep();
  }

  handle(socket: BindingSocket, frame: ControlFrame, receivedAt: number): void {
    socket.table.handle(frame, receivedAt);
  }

  /** Opens every socket, and any created later at once. */
  start(): void {
    this.started = true;
    for (const socket of this.sockets) socket.connection.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all(this.sockets.map((s) => s.connection.stop()));
  }

  private socketWithRoom(keys: number): BindingSocket {
    const max = this.options.maxBindingsPerSocket;
    // A slot with more keys than a socket may hold still needs a home: an empty socket.
    const room = this.sockets.find((s) => s.table.size + keys <= max || s.table.size === 0);
    return room ?? this.open();
  }

  private open(): BindingSocket {
    const { options } = this;
    const index = this.sockets.length;
    // Initialised before the connection exists: its callbacks close over the socket record.
    const socket = { index } as {
      index: number;
      connection: ControlConnection;
      table: BindingTable;
    };
    socket.table = new BindingTable({
      window: options.bindsInFlight,
      timeoutMs: options.bindTimeoutMs,
      retry: options.retry,
      send: (text) => socket.connection.send(text),
      emit: options.emit,
      log: options.log,
      pacer: options.pacer,
    });
    socket.connection = new ControlConnection({
      ...options.connection,
      logger: options.logger.child({ socket: index }),
      onOpen: () => socket.table.onOpen(),
      onText: (text) => options.onText(text, socket),
      onClose: () => socket.table.onClose(),
      onError: options.onError,
    });
    this.sockets.push(socket);
    if (this.started) socket.connection.start();
    return socket;
  }

  private sum(read: (table: BindingTable) => number): number {
    let total = 0;
    for (const socket of this.sockets) total += read(socket.table);
    return total;
  }
}
