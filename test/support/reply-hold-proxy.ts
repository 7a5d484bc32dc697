// Test support (not exported): a TCP proxy in front of Redis that can hold back replies, to put a
// live message deterministically between an HGETALL's execution and the client reading its reply.
import { type Server, type Socket, connect, createServer } from 'node:net';

export interface ReplyHoldProxy {
  readonly port: number;
  /**
   * On the first connection that sends a request containing `request`, hold every reply from then
   * on. Resolves once the held replies contain `reply`: Redis has executed the request by then.
   */
  holdAfter(request: string, reply: string): Promise<void>;
  /** Delivers the held replies and passes everything through again. */
  release(): void;
  close(): Promise<void>;
}

interface Hold {
  request: string;
  reply: string;
  resolve: () => void;
  connection?: Socket;
  held: Buffer[];
  heldText: string;
}

/** Starts a pass-through proxy to `127.0.0.1:targetPort` on a free port. */
export async function startReplyHoldProxy(targetPort: number): Promise<ReplyHoldProxy> {
  const sockets = new Set<Socket>();
  let hold: Hold | undefined;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let sent = '';
    client.on('data', (data: Buffer) => {
      if (hold !== undefined && hold.connection === undefined) {
        sent += data.toString('latin1');
        if (sent.includes(hold.request)) hold.connection = client;
      }
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => {
      const h = hold;
      if (h === undefined || h.connection !== client) {
        client.write(data);
        return;
      }
      h.held.push(data);
      h.heldText += data.toString('latin1');
      if (h.heldText.includes(h.reply)) h.resolve();
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    holdAfter: (request, reply) =>
      new Promise<void>((resolve) => {
        hold = { request, reply, resolve, held: [], heldText: '' };
      }),
    release: () => {
      const h = hold;
      hold = undefined;
      if (h?.connection !== undefined) for (const data of h.held) h.connection.write(data);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
