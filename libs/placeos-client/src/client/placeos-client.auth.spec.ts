import { type Simulator, startSimulator } from '@app/placeos-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeCollector,
  capturingLogger,
  simClientOptions,
  startRecordingProxy,
  waitFor,
} from '@test/support/placeos-client-kit';
import { PlaceOsClient } from './placeos-client';

describe('PlaceOsClient authentication', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 3,
      accessTokenTtlSeconds: 2,
      portfolio: { buildingsPerRegion: 1, levelsPerBuilding: 2, roomsPerLevel: 2 },
    });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('reports a wrong X-API-Key clearly (credential kind and route, never the key), keeps retrying, does not crash', async () => {
    const secret = 'deadbeefdeadbeefdeadbeefdeadbeef.not-the-right-secret';
    const { logger, lines } = capturingLogger('debug');
    const client = new PlaceOsClient(simClientOptions(sim, logger, { apiKey: secret }));
    await client.start();
    const error = await waitFor(() => client.status().lastError, 'lastError');
    expect(error).toMatch(/X-API-Key/);
    expect(error).toMatch(/HTTP 401/);
    expect(error).toMatch(/GET \/api\/engine\/v2\/systems/);
    await waitFor(
      () => lines.filter((l) => String(l.msg).includes('discovery failed')).length >= 2,
      'a second attempt',
    );
    expect(client.status()).toMatchObject({ connected: false, firstSyncDone: false });
    expect(await client.whenSynced(50)).toBe(false);
    await client.stop();
    expect(JSON.stringify(lines)).not.toContain('not-the-right-secret');
  });

  it('reports a refused WebSocket upgrade with the credential kind and route, then connects on retry', async () => {
    sim.world.injectFault({
      pathPrefix: '/api/engine/v2/systems/control',
      kind: 'status401',
      times: 2,
    });
    const { logger, lines } = capturingLogger('warn');
    const client = new PlaceOsClient(simClientOptions(sim, logger));
    try {
      await client.start();
      expect(await client.whenSynced(20_000)).toBe(true);
      const reported = lines.filter((l) => l.kind === 'socket').map((l) => String(l.err));
      expect(reported).toHaveLength(2);
      for (const message of reported) {
        expect(message).toBe(
          'PlaceOS refused the X-API-Key with HTTP 401 on GET /api/engine/v2/systems/control (WebSocket upgrade): injected fault',
        );
      }
      expect(client.status().lastError).toBe(reported[1]);
    } finally {
      await client.stop();
    }
  });

  it('logs in with the password grant, refreshes expiring tokens, and re-logs in when a refresh is refused', async () => {
    const { logger, lines } = capturingLogger('debug');
    const client = new PlaceOsClient(
      simClientOptions(sim, logger, {
        apiKey: undefined,
        oauth: {
          username: sim.user.email,
          password: sim.user.password,
          clientId: sim.oauthClient.clientId,
          clientSecret: sim.oauthClient.clientSecret,
        },
        keyPollMs: 300,
      }),
    );
    const collector = new ChangeCollector(client);
    try {
      await client.start();
      expect(await client.whenSynced(20_000)).toBe(true);
      const moduleId = String(sim.world.modules()[0].id);
      // Outlive the 2 s token: the key re-poll keeps working only if the token is refreshed.
      await waitFor(
        () => lines.some((l) => l.msg === 'PlaceOS OAuth access token refreshed'),
        'a refresh',
        10_000,
      );
      sim.world.setState(moduleId, 'after_refresh', 1);
      await waitFor(
        () => [...collector.latest.values()].some((c) => c.key === 'after_refresh'),
        'key found after refresh',
      );

      // Tokens revoked server-side, and the next refresh refused: the client must log in again.
      sim.world.injectFault({ pathPrefix: '/auth/oauth/token', kind: 'status401', times: 1 });
      sim.world.expireAccessTokens();
      sim.world.dropSockets();
      sim.world.setState(moduleId, 'after_relogin', 2);
      await waitFor(
        () => lines.some((l) => String(l.msg).includes('refused the OAuth refresh token')),
        'refused refresh',
      );
      await waitFor(
        () => [...collector.latest.values()].some((c) => c.key === 'after_relogin'),
        'key found after re-login',
        15_000,
      );
      await waitFor(() => client.status().connected, 'the socket reconnected with a fresh token');
      const text = JSON.stringify(lines);
      expect(text).not.toContain(sim.user.password);
      expect(text).not.toContain(sim.oauthClient.clientSecret);
    } finally {
      await client.stop();
      await collector.stop();
    }
  });

  it('reaches a PlaceOS that checks the Host only with the override, and says so without it', async () => {
    const domainSim = await startSimulator({
      seed: 4,
      domain: 'tenant.placeos.example',
      portfolio: { buildingsPerRegion: 1, levelsPerBuilding: 1, roomsPerLevel: 2 },
    });
    const refused = new PlaceOsClient(simClientOptions(domainSim, capturingLogger('warn').logger));
    const accepted = new PlaceOsClient(
      simClientOptions(domainSim, capturingLogger('warn').logger, {
        hostHeader: 'tenant.placeos.example:443',
      }),
    );
    try {
      await refused.start();
      const error = await waitFor(() => refused.status().lastError, 'lastError');
      expect(error).toContain('HTTP 401 on GET /api/engine/v2/systems');
      expect(error).toContain('authority not found');
      expect(error).toContain('PLACEOS_HOST_HEADER');
      await accepted.start();
      expect(await accepted.whenSynced(20_000)).toBe(true);
      expect(accepted.status().boundKeys).toBeGreaterThan(0);
      expect(refused.status().firstSyncDone).toBe(false);
    } finally {
      await refused.stop();
      await accepted.stop();
      await domainSim.close();
    }
  });

  it('sends the Host header override on every REST request and on the WebSocket upgrade', async () => {
    // The simulator does not record Host, so a real forwarding proxy in between does.
    const proxy = await startRecordingProxy(sim.url);
    const client = new PlaceOsClient(
      simClientOptions(sim, capturingLogger('warn').logger, {
        url: proxy.url,
        hostHeader: 'tenant.placeos.example',
      }),
    );
    try {
      await client.start();
      expect(await client.whenSynced(20_000)).toBe(true);
      expect(proxy.hosts.some((h) => h.startsWith('GET /api/engine/v2/systems '))).toBe(true);
      expect(proxy.hosts.some((h) => h.startsWith('UPGRADE /api/engine/v2/systems/control'))).toBe(
        true,
      );
      expect(proxy.hosts.every((h) => h.endsWith(' tenant.placeos.example'))).toBe(true);
    } finally {
      await client.stop();
      await proxy.close();
    }
  });
});
