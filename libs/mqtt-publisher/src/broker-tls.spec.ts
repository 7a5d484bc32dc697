import {
  createTestCertificates,
  mosquittoSkipReason,
  startTestBroker,
  type TestBroker,
  type TestCertificates,
  testCertificatesSkipReason,
} from '@app/testing';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection } from './broker-connection';
import {
  eventually,
  silentLogger,
  openTestConnection,
  testBrokerConfig,
} from './test-support/broker-config';
import { brokerFixture } from './test-support/broker-fixture';

const skip = mosquittoSkipReason() ?? testCertificatesSkipReason();
if (skip) console.warn(`TLS and WebSocket tests skipped: ${skip}`);

type Tls = NonNullable<Parameters<typeof testBrokerConfig>[1]>['tls'];

describe.skipIf(skip !== undefined)('TLS and WebSockets against mosquitto listeners', () => {
  let pki: TestCertificates;
  let trusted: TestBroker;
  let mutual: TestBroker;
  let wrongHost: TestBroker;
  let untrusted: TestBroker;
  const { cleanups, recorder } = brokerFixture();

  beforeAll(async () => {
    pki = createTestCertificates();
    const { ca, server } = pki;
    [trusted, mutual, wrongHost, untrusted] = await Promise.all([
      startTestBroker({ tls: { ca, ...server }, websockets: true }),
      startTestBroker({ tls: { ca, ...server, requireCertificate: true } }),
      startTestBroker({ tls: { ca, ...pki.wrongHost } }),
      startTestBroker({ tls: { ca: pki.untrustedCa, ...pki.untrusted } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([trusted, mutual, wrongHost, untrusted].map((b) => b?.stop()));
    pki?.remove();
  });

  function connection(url: string, tls: Tls, logger = silentLogger()) {
    return openTestConnection(testBrokerConfig(url, { tls }), cleanups, { logger }, 500);
  }

  /** Publishes one message through `conn` and waits for it on the broker's plain listener. */
  async function delivers(conn: BrokerConnection, broker: TestBroker): Promise<void> {
    const rec = await recorder(broker.url, 'state/#');
    await conn.start();
    expect(await conn.whenConnected(5000)).toBe(true);
    const payload = `{"time":1,"value":"${conn.id}-${Math.random()}"}`;
    expect(conn.publish('state/tls', payload)).toBe('queued');
    await rec.waitFor(
      () => rec.latest.get('state/tls')?.toString() === payload,
      5000,
      'the message',
    );
    expect(conn.status().lastError).toBeUndefined();
  }

  /** Waits for the refusal and checks that nothing, not even the birth, reached the broker. */
  async function refused(conn: BrokerConnection, broker: TestBroker, error: RegExp): Promise<void> {
    const rec = await recorder(broker.url, '#');
    await conn.start();
    expect(conn.publish('state/secret', '{"time":1,"value":1}')).toBe('queued');
    await eventually(() => conn.status().lastError !== undefined, 'a TLS error');
    expect(conn.status().lastError).toMatch(error);
    expect(conn.status()).toMatchObject({ connected: false, queued: 1, published: 0 });
    // A probe published now arrives after anything the bridge could have sent before it.
    await rec.client.publishAsync('probe', 'x');
    await rec.waitFor(() => rec.latest.has('probe'));
    expect(rec.topics()).toEqual(['probe']);
  }

  it('verifies the server certificate by default: an untrusted CA is refused, clearly', async () => {
    const conn = connection(untrusted.urls.mqtts!, {
      rejectUnauthorized: true,
      ca: pki.read(pki.ca),
    });
    await refused(conn, untrusted, /^TLS: the server certificate is not trusted.*set caFile/);
  });

  it('refuses a server certificate issued for another host', async () => {
    const conn = connection(wrongHost.urls.mqtts!, {
      rejectUnauthorized: true,
      ca: pki.read(pki.ca),
    });
    await refused(conn, wrongHost, /^TLS: the server certificate is not for this host/);
  });

  it('connects with caFile to a certificate for 127.0.0.1, over mqtts://', async () => {
    const conn = connection(trusted.urls.mqtts!, {
      rejectUnauthorized: true,
      ca: pki.read(pki.ca),
    });
    await delivers(conn, trusted);
  });

  it('verifies against servername (SNI) when it differs from the URL host', async () => {
    const conn = connection(wrongHost.urls.mqtts!, {
      rejectUnauthorized: true,
      ca: pki.read(pki.ca),
      servername: pki.wrongHost.hostname,
    });
    await delivers(conn, wrongHost);
  });

  it('mTLS: a listener that requires a client certificate accepts certFile/keyFile', async () => {
    const tls = { rejectUnauthorized: true, ca: pki.read(pki.ca) };
    const without = connection(mutual.urls.mqtts!, tls);
    await refused(without, mutual, /^TLS: the broker requires a client certificate; set certFile/);
    await without.close(200);
    const withCert = connection(mutual.urls.mqtts!, {
      ...tls,
      cert: pki.read(pki.client.cert),
      key: pki.read(pki.client.key),
    });
    await delivers(withCert, mutual);
  });

  it('publishes over ws:// and wss:// (with caFile), and refuses an untrusted wss:// server', async () => {
    await delivers(connection(trusted.urls.ws!, { rejectUnauthorized: true }), trusted);
    await delivers(
      connection(trusted.urls.wss!, { rejectUnauthorized: true, ca: pki.read(pki.ca) }),
      trusted,
    );
    const unknown = connection(trusted.urls.wss!, { rejectUnauthorized: true });
    await unknown.start();
    await eventually(() => unknown.status().lastError !== undefined, 'a TLS error');
    expect(unknown.status().lastError).toMatch(/^TLS: the server certificate is not trusted/);
  });

  it('skips verification only with rejectUnauthorized: false, and warns naming the broker', async () => {
    const lines: { level: number; msg: string; broker?: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        callback();
      },
    });
    const conn = connection(untrusted.urls.mqtts!, { rejectUnauthorized: false }, pino(sink));
    await delivers(conn, untrusted);
    const warning = lines.find((line) => line.level === 40 && /verification is OFF/.test(line.msg));
    expect(warning).toMatchObject({ broker: conn.id });
    expect(warning?.msg).toContain(`broker "${conn.id}"`);
  });
});
