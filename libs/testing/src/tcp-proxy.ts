import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP relay between a client and a broker, for tests: `cut()` kills every relayed
 * connection at once without an MQTT DISCONNECT, as a network failure or a crash would, while
 * the broker stays up; `stall()` keeps the connections open but relays nothing (a broker that
 * accepts TCP and never acknowledges) until `resume()`.
 */
export class TcpProxy {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    /** Shared with the relay callback, which pauses connections made while stalled. */
    private readonly relay: { stalled: boolean },
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const sockets = new Set<Socket>();
    const relay = { stalled: false };
    const server = createServer((inbound) => {
      const outbound = connect(targetPort, '127.0.0.1');

      for (const socket of [inbound, outbound]) {
        sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.once('close', () => {
          sockets.delete(socket);
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound);
      outbound.pipe(inbound);
      // After pipe(), which would resume them.
      if (relay.stalled) {
        inbound.pause();
        outbound.pause();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new TcpProxy(server, sockets, relay, port);
  }

  /** Stops relaying in both directions; the connections stay open. */
  stall(): void {
    this.relay.stalled = true;
    for (const socket of this.sockets) socket.pause();
  }

  resume(): void {
    this.relay.stalled = false;
    for (const socket of this.sockets) socket.resume();
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Destroys every relayed connection; new connections are still accepted. */
  cut(): void {
    for (const socket of [...this.sockets]) socket.destroy();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
