import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP relay between a client and a broker, for tests: `cut()` kills every relayed
 * connection at once without an MQTT DISCONNECT, as a network failure or a crash would, while
 * the broker stays up.
 */
export class TcpProxy {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const sockets = new Set<Socket>();
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
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new TcpProxy(server, sockets, port);
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
