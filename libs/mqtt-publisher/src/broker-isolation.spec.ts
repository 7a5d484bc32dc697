import { MqttRecorder, startTestBroker } from '@app/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestConnection, testBrokerConfig } from './test-support/broker-config';

describe('several broker connections', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  it('keeps delivering to a healthy broker while another one is down', async () => {
    const healthy = await startTestBroker();
    const dead = await startTestBroker();
    cleanups.push(
      () => healthy.stop(),
      () => dead.stop(),
    );
    const make = (id: string, url: string) => {
      return openTestConnection(testBrokerConfig(url, { id }), cleanups, {}, 500);
    };
    const good = make('good', healthy.url);
    const bad = make('bad', dead.url);
    await Promise.all([good.start(), bad.start()]);
    expect(await good.whenConnected(5000)).toBe(true);
    expect(await bad.whenConnected(5000)).toBe(true);
    const rec = await MqttRecorder.connect(healthy.url, 'state/#');
    cleanups.push(() => rec.close());

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
    const late = await MqttRecorder.connect(dead.url, 'state/#');
    cleanups.push(() => late.close());
    expect(await bad.drain(15_000)).toBe(true);
    await late.waitFor(() => late.latest.size === n, 15_000, 'all messages after the restart');
  });
});
