import { randomBytes } from 'node:crypto';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, startHarness } from '../support/bridge-harness';

/**
 * GET /api/asyncapi.json on a running bridge whose broker needs credentials: a valid AsyncAPI 3
 * document that follows the configuration (hierarchy, time unit, broker address) and carries
 * none of the broker's credentials.
 */
describe('AsyncAPI document of a running bridge', () => {
  let h: BridgeHarness;
  const username = `bridge-user-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  let body: string;

  beforeAll(async () => {
    h = await startHarness({
      env: {
        MQTT_USERNAME: username,
        MQTT_PASSWORD: password,
        PLACEOS_HIERARCHY: 'org region building',
        PAYLOAD_TIME_UNIT: 's',
      },
    });
    // The broker took the credentials: the bridge's birth message is there.
    const status = `placeos/_bridge/${h.bridge.instanceId}/status`;
    await h.recorders[0].waitFor(() => h.recorders[0].latest.get(status)?.toString() === 'online');
    const response = await request(h.bridge.app.getHttpServer())
      .get('/api/asyncapi.json')
      .expect(200)
      .expect('content-type', /^application\/json/);
    body = response.text;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('is a valid AsyncAPI 3 document, served without a token', async () => {
    const diagnostics = await new Parser().validate(body);
    const errors = diagnostics.filter(
      (d) => (d.severity as number) === (DiagnosticSeverity.Error as number),
    );
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
  });

  it('follows the running configuration', () => {
    const doc = JSON.parse(body);
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.state.address).toBe(
      'placeos/{org}/state/{region}/{building}/{system}/{driver}/{module}/{index}/{key}',
    );
    expect(doc.channels.status.parameters.instance.examples).toEqual([h.bridge.instanceId]);
    expect(doc.components.schemas.StatePayload.properties.time.description).toContain('seconds');
    expect(doc.servers.default).toMatchObject({
      host: `127.0.0.1:${h.brokers[0].port}`,
      protocol: 'mqtt',
    });
  });

  it('carries no broker credential', () => {
    expect(body).not.toContain(password);
    expect(body).not.toContain(username);
    expect(body).not.toContain('@');
  });
});
