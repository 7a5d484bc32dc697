import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection } from './broker-connection';
import { eventually, silentLogger, testBrokerConfig } from './test-support/broker-config';

/** A self-signed certificate for 127.0.0.1/localhost, made with the openssl CLI. */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('TLS', () => {
  let aedes: Aedes;
  let server: Server;
  let url: string;
  let cert: Buffer;
  const sockets = new Set<TLSSocket>();

  beforeAll(async () => {
    const credentials = selfSignedCertificate();
    cert = credentials.cert;
    aedes = await Aedes.createBroker();
    server = createServer(credentials, (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      aedes.handle(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `mqtts://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
  });

  function connection(tls: { ca?: Buffer; rejectUnauthorized: boolean }) {
    return new BrokerConnection(testBrokerConfig(url, { tls, protocolVersion: 4 }), {
      instanceId: 'replica-0',
      logger: silentLogger(),
      reconnectPeriodMs: 50,
      maxReconnectPeriodMs: 100,
    });
  }

  it('verifies the server certificate by default and reports why it failed', async () => {
    const conn = connection({ rejectUnauthorized: true });
    try {
      await conn.start();
      await eventually(() => conn.status().lastError !== undefined, 'a TLS error');
      expect(conn.status().lastError).toMatch(/self[- ]signed|certificate/i);
      expect(conn.status().connected).toBe(false);
    } finally {
      await conn.close(500);
    }
  });

  it('connects when the CA is configured', async () => {
    const conn = connection({ ca: cert, rejectUnauthorized: true });
    try {
      await conn.start();
      expect(await conn.whenConnected(5000)).toBe(true);
      expect(conn.status().lastError).toBeUndefined();
    } finally {
      await conn.close(500);
    }
  });
});
