import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulator, startSimulator } from '../simulator';
import { ControlProbe, UpgradeRefused, eventually } from '../test-support/control-probe';

const SYSTEMS = '/api/engine/v2/systems';

describe('simulator authentication', () => {
  let sim: Simulator;
  let userSim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ accessTokenTtlSeconds: 1 });
    userSim = await startSimulator({ apiKeyPermissions: 'user', userPermissions: 'user' });
  });
  afterAll(async () => {
    await sim.close();
    await userSim.close();
  });

  const get = (path: string, init: RequestInit = {}, base = sim): Promise<Response> =>
    fetch(`${base.url}${path}`, init);

  async function passwordGrant(
    where: 'query' | 'form' | 'json',
    base = sim,
  ): Promise<Record<string, unknown>> {
    const params = {
      grant_type: 'password',
      username: base.user.email,
      password: base.user.password,
      client_id: base.oauthClient.clientId,
      client_secret: base.oauthClient.clientSecret,
      scope: 'public',
    };
    const query = where === 'query' ? `?${new URLSearchParams(params).toString()}` : '';
    const body =
      where === 'form'
        ? new URLSearchParams(params).toString()
        : where === 'json'
          ? JSON.stringify(params)
          : '';
    const res = await fetch(`${base.url}/auth/oauth/token${query}`, {
      method: 'POST',
      headers: {
        'Content-Type': where === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
      },
      body,
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  it('generates an API key in PlaceOS format', () => {
    expect(sim.apiKey).toMatch(/^[0-9a-f]{32}\.[A-Za-z0-9_-]+$/);
  });

  it('accepts the key as X-API-Key, ?api-key= and the api-key cookie', async () => {
    expect((await get(SYSTEMS, { headers: { 'X-API-Key': sim.apiKey } })).status).toBe(200);
    expect((await get(`${SYSTEMS}?api-key=${encodeURIComponent(sim.apiKey)}`)).status).toBe(200);
    expect((await get(SYSTEMS, { headers: { Cookie: `api-key=${sim.apiKey}` } })).status).toBe(200);
  });

  it('answers 401 {"error":...} for a missing or unknown key', async () => {
    const missing = await get(SYSTEMS);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: '' });
    const unknown = await get(SYSTEMS, { headers: { 'X-API-Key': `${'0'.repeat(32)}.nope` } });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ error: 'unknown X-API-Key' });
    const badBearer = await get(SYSTEMS, { headers: { Authorization: 'Bearer a.b.c' } });
    expect(badBearer.status).toBe(401);
    expect(typeof ((await badBearer.json()) as { error: unknown }).error).toBe('string');
  });

  it('answers 403 with an empty body for support-only routes when the key is a plain user', async () => {
    for (const path of [
      '/api/engine/v2/drivers',
      '/api/engine/v2/zones',
      '/api/engine/v2/modules',
    ]) {
      const res = await get(path, { headers: { 'X-API-Key': userSim.apiKey } }, userSim);
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('');
    }
    // Filtered zones and systems stay open to users.
    expect(
      (
        await get(
          '/api/engine/v2/zones?tags=building',
          { headers: { 'X-API-Key': userSim.apiKey } },
          userSim,
        )
      ).status,
    ).toBe(200);
    expect((await get(SYSTEMS, { headers: { 'X-API-Key': userSim.apiKey } }, userSim)).status).toBe(
      200,
    );
  });

  it.each(['query', 'form', 'json'] as const)(
    'issues tokens through the password grant (%s parameters)',
    async (where) => {
      const token = await passwordGrant(where);
      expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 1, scope: 'public' });
      expect(typeof token.refresh_token).toBe('string');
      expect(typeof token.created_at).toBe('number');
      const payload = JSON.parse(
        Buffer.from(String(token.access_token).split('.')[1], 'base64url').toString(),
      ) as { exp: number; iat: number; u: { p: number } };
      expect(payload.exp).toBe(payload.iat + 1);
      expect(payload.u.p).toBe(1);
    },
  );

  it('accepts a bearer token as Authorization Bearer/Token and ?bearer_token=', async () => {
    const long = await startSimulator();
    try {
      const { access_token: token } = (await passwordGrant('form', long)) as {
        access_token: string;
      };
      expect(
        (await get(SYSTEMS, { headers: { Authorization: `Bearer ${token}` } }, long)).status,
      ).toBe(200);
      expect(
        (await get(SYSTEMS, { headers: { Authorization: `Token ${token}` } }, long)).status,
      ).toBe(200);
      expect((await get(`${SYSTEMS}?bearer_token=${token}`, {}, long)).status).toBe(200);
      const probe = await ControlProbe.connect(long.url, { query: `?bearer_token=${token}` });
      await probe.close();
      long.world.expireAccessTokens();
      const expired = await get(SYSTEMS, { headers: { Authorization: `Bearer ${token}` } }, long);
      expect(expired.status).toBe(401);
      expect(Object.keys((await expired.json()) as object)).toEqual(['error']);
    } finally {
      await long.close();
    }
  });

  it('expires access tokens after their TTL', async () => {
    const { access_token: token } = (await passwordGrant('json')) as { access_token: string };
    await eventually(
      async () =>
        (await get(SYSTEMS, { headers: { Authorization: `Bearer ${token}` } })).status === 401,
      10_000,
      'token expiry',
    );
  });

  it('rotates refresh tokens: each is single-use', async () => {
    const first = await passwordGrant('form');
    const refresh = (refreshToken: unknown): Promise<Response> =>
      fetch(`${sim.url}/auth/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: sim.oauthClient.clientId,
          client_secret: sim.oauthClient.clientSecret,
        }),
      });
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    const secondBody = (await second.json()) as Record<string, unknown>;
    expect(secondBody.refresh_token).not.toBe(first.refresh_token);
    const reused = await refresh(first.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.any(String),
    });
    // The rotated token works once too, via the query string.
    const viaQuery = await fetch(
      `${sim.url}/auth/oauth/token?${new URLSearchParams({ grant_type: 'refresh_token', refresh_token: String(secondBody.refresh_token), client_id: sim.oauthClient.clientId }).toString()}`,
      { method: 'POST' },
    );
    expect(viaQuery.status).toBe(200);
  });

  it('rejects wrong passwords, wrong clients and unknown grants with OAuth error bodies', async () => {
    const post = (params: Record<string, string>): Promise<Response> =>
      fetch(`${sim.url}/auth/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      });
    const client = {
      client_id: sim.oauthClient.clientId,
      client_secret: sim.oauthClient.clientSecret,
    };
    const badPassword = await post({
      grant_type: 'password',
      username: sim.user.email,
      password: 'wrong',
      ...client,
    });
    expect(badPassword.status).toBe(400);
    expect(((await badPassword.json()) as { error: string }).error).toBe('invalid_grant');
    const badClient = await post({
      grant_type: 'password',
      username: sim.user.email,
      password: sim.user.password,
      client_id: 'nope',
      client_secret: 'nope',
    });
    expect(badClient.status).toBe(401);
    expect(((await badClient.json()) as { error: string }).error).toBe('invalid_client');
    const badGrant = await post({ grant_type: 'client_magic', ...client });
    expect(badGrant.status).toBe(400);
    expect(((await badGrant.json()) as { error: string }).error).toBe('unsupported_grant_type');
    const badJson = await fetch(`${sim.url}/auth/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{nope',
    });
    expect(badJson.status).toBe(400);
  });

  it('refuses a WebSocket upgrade without valid credentials with HTTP 401', async () => {
    await expect(ControlProbe.connect(sim.url)).rejects.toEqual(new UpgradeRefused(401));
    await expect(
      ControlProbe.connect(sim.url, { headers: { 'X-API-Key': 'wrong' } }),
    ).rejects.toMatchObject({ status: 401 });
    const ok = await ControlProbe.connect(sim.url, {
      query: `?api-key=${encodeURIComponent(sim.apiKey)}`,
    });
    await ok.close();
  });

  it('reports the key as a support user on /api_keys/inspect', async () => {
    const res = await get('/api/engine/v2/api_keys/inspect', {
      headers: { 'X-API-Key': sim.apiKey },
    });
    expect(await res.json()).toMatchObject({ iss: 'POS', scope: ['public'], u: { p: 1 } });
  });
});
