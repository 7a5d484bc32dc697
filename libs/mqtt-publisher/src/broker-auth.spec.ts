import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Aedes, type AuthenticateError } from 'aedes';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerConnection } from './broker-connection';
import { eventually, testBrokerConfig } from './test-support/broker-config';

const PASSWORD = 's3cr3t-Pa55word';

describe('authentication failures', () => {
  let aedes: Aedes | undefined;
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (aedes ? aedes.close(() => resolve()) : resolve()));
  });

  it('are retried until the broker accepts, and never reveal the password', async () => {
    let accept = false;
    let attempts = 0;
    aedes = await Aedes.createBroker({
      authenticate: (_client, username, password, done) => {
        attempts++;
        if (accept && username === 'bridge' && password?.toString() === PASSWORD) {
          done(null, true);
          return;
        }
        const error: AuthenticateError = Object.assign(new Error('bad credentials'), {
          returnCode: 4 as const,
        });
        done(error, false);
      },
    });
    const broker = aedes;
    server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString());
        callback();
      },
    });
    const conn = new BrokerConnection(
      testBrokerConfig(`mqtt://bridge:${PASSWORD}@127.0.0.1:${port}`, {
        username: 'bridge',
        password: PASSWORD,
        protocolVersion: 4,
      }),
      {
        instanceId: 'replica-0',
        logger: pino({ level: 'debug' }, sink),
        reconnectPeriodMs: 20,
        maxReconnectPeriodMs: 50,
      },
    );
    try {
      await conn.start();
      await eventually(() => attempts >= 3, 'several refused attempts');
      expect(conn.status().connected).toBe(false);
      expect(conn.status().lastError).toMatch(/bad user ?name or password|not authorized/i);
      accept = true;
      expect(await conn.whenConnected(5000)).toBe(true);
    } finally {
      await conn.close(500);
    }
    const status = JSON.stringify(conn.status());
    expect(status).not.toContain(PASSWORD);
    expect(conn.status().url).toBe(`mqtt://127.0.0.1:${port}`);
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toContain(PASSWORD);
  });
});
