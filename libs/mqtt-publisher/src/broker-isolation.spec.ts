import { describe, expect, it } from 'vitest';
import { openTestConnection, testBrokerConfig } from './test-support/broker-config';
import { brokerFixture } from './test-support/broker-fixture';

describe('several broker connections', () => {
  const { cleanups, broker, recorder } = brokerFixture();

  it('keeps delivering to a healthy broker while another one is down', async () => {
    const healthy = await broker();
    const dead = await broker();
    const make = (id: string, url: string) => {
      return openTestConnection(testBrokerConfig(url, { id }), cleanups, {}, 500);
    };
    const good = make('good', healthy.url);
    const bad = make('bad', dead.url);
    await Promise.all([good.start(), bad.start()]);
    expect(await good.whenConnected(5000)).toBe(true);
    expect(await bad.whenConnected(5000)).toBe(true);
    const rec = await recorder(healthy.url, 'state/#');

    await dead.stop();
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const payload = `{"time":${i},"value":${i}}`;
      // The pipeline hands every message to every connection in turn.
      expect(bad.publish(`state/${i}`, payload)).toBe('queued');
      expect(good.publish(`state/${i}`, payload)).toBe('queued');
    }
    await rec.waitFor(
      () => rec.latest.size === n,
      15_000,
      `all ${n} messages on the healthy broker`,
    );
    expect(await good.drain(5000)).toBe(true);
    expect(good.status().published).toBe(n);
    expect(bad.status()).toMatchObject({ connected: false, queued: n, published: 0 });

    // And the stopped broker gets everything once it is back.
    await dead.start();
    const late = await recorder(dead.url, 'state/#');
    expect(await bad.drain(15_000)).toBe(true);
    await late.waitFor(() => late.latest.size === n, 15_000, 'all messages after the restart');
  });
});
