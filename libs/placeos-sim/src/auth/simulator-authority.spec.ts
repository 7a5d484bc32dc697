import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulator, startSimulator } from '../simulator';
import { ControlProbe, UpgradeRefused } from '../test-support/control-probe';

const DOMAIN = 'placeos.example.com';

/** Plain node:http, because fetch does not let a caller choose the Host header. */
function call(
  sim: Simulator,
  path: string,
  options: { host?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  const url = new URL(path, sim.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: { ...options.headers, ...(options.host ? { Host: options.host } : {}) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('simulator authority domain (ensure_matching_domain)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ domain: DOMAIN });
  });
  afterAll(() => sim.close());

  const key = () => ({ 'X-API-Key': sim.apiKey });

  it('answers REST routes only for the authority domain, port or case aside', async () => {
    const refused = await call(sim, '/api/engine/v2/systems', { headers: key() });
    expect(refused).toEqual({ status: 401, body: '{"error":"authority not found"}' });
    const ok = await call(sim, '/api/engine/v2/systems', {
      headers: key(),
      host: 'PlaceOS.example.com:443',
    });
    expect(ok.status).toBe(200);
    // A bad key is still reported as such, whatever the Host.
    const badKey = await call(sim, '/api/engine/v2/systems', {
      headers: { 'X-API-Key': 'nope' },
      host: DOMAIN,
    });
    expect(badKey).toEqual({ status: 401, body: '{"error":"unknown X-API-Key"}' });
  });

  it('issues tokens for the domain (aud) and finds no user from another Host', async () => {
    const form = new URLSearchParams({
      grant_type: 'password',
      username: sim.user.email,
      password: sim.user.password,
      client_id: sim.oauthClient.clientId,
      client_secret: sim.oauthClient.clientSecret,
    }).toString();
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const wrongHost = await call(sim, '/auth/oauth/token', { method: 'POST', headers, body: form });
    expect(wrongHost.status).toBe(400);
    expect(JSON.parse(wrongHost.body)).toMatchObject({ error: 'invalid_grant' });

    const granted = await call(sim, '/auth/oauth/token', {
      method: 'POST',
      headers,
      body: form,
      host: DOMAIN,
    });
    expect(granted.status).toBe(200);
    const token = (JSON.parse(granted.body) as { access_token: string }).access_token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims.aud).toBe(DOMAIN);
    const inspect = await call(sim, '/api/engine/v2/api_keys/inspect', {
      headers: { Authorization: `Bearer ${token}` },
      host: DOMAIN,
    });
    expect(inspect.status).toBe(200);
  });

  it('refuses the control socket upgrade from another Host with 401', async () => {
    await expect(ControlProbe.connect(sim.url, { headers: key() })).rejects.toEqual(
      new UpgradeRefused(401),
    );
    const probe = await ControlProbe.connect(sim.url, { headers: { ...key(), Host: DOMAIN } });
    await probe.close();
  });

  it('accepts any Host when no domain is configured', async () => {
    const open = await startSimulator();
    try {
      const res = await call(open, '/api/engine/v2/systems', {
        headers: { 'X-API-Key': open.apiKey },
        host: 'anything.example',
      });
      expect(res.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
