import { Writable } from 'node:stream';
import {
  createTestCertificates,
  mosquittoSkipReason,
  type TestCertificates,
  testCertificatesSkipReason,
} from '@app/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BridgeHarness,
  brokerStatus,
  eventually,
  startHarness,
} from '../support/bridge-harness';
import { SMALL_PORTFOLIO } from '../support/sim-fixtures';
import { waitForEveryStateTopic } from './support/cloud-support';

const skip = mosquittoSkipReason() ?? testCertificatesSkipReason();
if (skip) console.warn(`cloud TLS e2e skipped: ${skip}`);

const URL_PASSWORD = 'Url-Embedded-pa55word';

/**
 * The bridge against real mosquitto listeners with certificates made by openssl: mTLS
 * (require_certificate), wss:// and ws://, next to a plain reference broker; and one broker
 * whose certificate comes from a CA the bridge does not trust.
 */
describe.skipIf(skip !== undefined)('bridge: TLS, mTLS and WebSockets to real brokers', () => {
  let pki: TestCertificates;
  let h: BridgeHarness;
  const logLines: { level: string | number; msg: string; broker?: string; error?: string }[] = [];
  const logText: string[] = [];

  beforeAll(async () => {
    pki = createTestCertificates();
    const { ca, server, client } = pki;
    h = await startHarness({
      sim: SMALL_PORTFOLIO,
      brokers: 6,
      brokerOptions: (i) =>
        [
          {},
          { tls: { ca, ...server, requireCertificate: true } },
          { tls: { ca, ...server }, websockets: true },
          { tls: { ca: pki.untrustedCa, ...pki.untrusted } },
          { tls: { ca, ...pki.wrongHost } },
          { tls: { ca, ...pki.wrongHost } },
        ][i],
      brokerEntries: (b, secrets) => [
        { id: 'reference', url: b[0].url, secret: secrets[0] },
        {
          id: 'mtls',
          url: b[1].urls.mqtts,
          caFile: ca,
          certFile: client.cert,
          keyFile: client.key,
          secret: secrets[0],
        },
        { id: 'wss', url: b[2].urls.wss, caFile: ca, topicPrefix: 'wss/', secret: secrets[0] },
        { id: 'ws', url: b[2].urls.ws, topicPrefix: 'ws/', secret: secrets[0] },
        {
          id: 'untrusted',
          url: b[3].urls.mqtts!.replace('//', `//bridge:${URL_PASSWORD}@`),
          caFile: ca,
          secret: secrets[0],
        },
        { id: 'wronghost', url: b[4].urls.mqtts, caFile: ca, secret: secrets[0] },
        {
          id: 'sni',
          url: b[5].urls.mqtts,
          caFile: ca,
          servername: pki.wrongHost.hostname,
          secret: secrets[0],
        },
      ],
      env: { LOG_LEVEL: 'info' },
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logText.push(chunk.toString());
          logLines.push(JSON.parse(chunk.toString()) as (typeof logLines)[number]);
          callback();
        },
      }),
    });
  }, 30_000);

  afterAll(async () => {
    await h?.close();
    pki?.remove();
  });

  it('delivers every topic over mTLS, wss://, ws:// and with servername, as to the plain broker', async () => {
    const [reference, mtls, web, , , sni] = h.recorders;
    await waitForEveryStateTopic(h, reference, 20_000, 'reference');
    const expected = reference.topics('placeos/').filter((t) => !t.includes('/_bridge/'));
    const complete = (rec: typeof reference, prefix: string) =>
      expected.every((t) => rec.latest.get(`${prefix}${t}`)?.equals(reference.latest.get(t)!));
    await mtls.waitFor(() => complete(mtls, ''), 20_000, 'every topic over mTLS');
    await web.waitFor(() => complete(web, 'wss/'), 20_000, 'every topic over wss://');
    await web.waitFor(() => complete(web, 'ws/'), 20_000, 'every topic over ws://');
    await sni.waitFor(() => complete(sni, ''), 20_000, 'every topic with servername');
    const status = await brokerStatus(h);
    for (const id of ['reference', 'mtls', 'wss', 'ws', 'sni']) {
      expect(status.get(id)).toMatchObject({ connected: true, refused: 0 });
      expect(status.get(id)?.lastError).toBeUndefined();
    }
  });

  it('refuses an untrusted server certificate: clear error, readiness 503, nothing published', async () => {
    await eventually(
      async () => (await brokerStatus(h)).get('untrusted')?.lastError,
      'the TLS error of broker "untrusted"',
    );
    const status = await brokerStatus(h);
    const untrusted = status.get('untrusted')!;
    expect(untrusted).toMatchObject({ connected: false, published: 0 });
    expect(untrusted.lastError).toMatch(
      /^TLS: the server certificate is not trusted \(its CA is unknown here\); set caFile/,
    );
    expect(untrusted.url).not.toContain(URL_PASSWORD);

    const ready = await request(h.bridge.app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.text).toContain('the server certificate is not trusted');

    const logged = logLines.find((l) => l.broker === 'untrusted' && l.error !== undefined);
    expect(logged).toMatchObject({ level: 'warn', msg: 'broker connection error; retrying' });
    expect(logged?.error).toMatch(/^TLS: the server certificate is not trusted/);

    // Nothing reached that broker, not even the birth: a probe published now arrives after
    // anything the bridge could have sent before it.
    const rec = h.recorders[3];
    await rec.client.publishAsync('probe', 'x', { qos: 1 });
    await rec.waitFor(() => rec.latest.has('probe'));
    expect(rec.topics()).toEqual(['probe']);

    for (const text of [JSON.stringify([...status.values()]), ready.text, logText.join('')]) {
      expect(text).not.toContain(URL_PASSWORD);
    }
  });

  it('refuses a certificate issued for another host (without servername), as clearly', async () => {
    const wrongHost = await eventually(
      async () => (await brokerStatus(h)).get('wronghost')?.lastError,
      'the TLS error of broker "wronghost"',
    );
    expect(wrongHost).toMatch(
      /^TLS: the server certificate is not for this host; connect by a name it lists, or set servername \(ERR_TLS_CERT_ALTNAME_INVALID/,
    );
    expect((await brokerStatus(h)).get('wronghost')).toMatchObject({
      connected: false,
      published: 0,
    });
    const rec = h.recorders[4];
    await rec.client.publishAsync('probe', 'x', { qos: 1 });
    await rec.waitFor(() => rec.latest.has('probe'));
    expect(rec.topics()).toEqual(['probe']);
  });
});
