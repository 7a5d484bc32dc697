import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttRecorder } from '@app/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type Demo, runDemo } from '../../apps/bridge/src/demo-runner';

describe('demo', () => {
  let demo: Demo | undefined;

  afterAll(async () => {
    await demo?.close();
  });

  it('runs with zero configuration; a late subscriber sees retained state within seconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    demo = await runDemo({ rulesDb: `sqlite:${join(dir, 'rules.db')}`, logLevel: 'silent' });
    expect(demo.instructions).toContain(`-p ${demo.broker.port} -t 'placeos/#'`);
    expect(demo.instructions).toContain('/health/ready');
    const early = await MqttRecorder.connect(demo.broker.url, 'placeos/+/state/#');
    await early.waitFor(() => early.latest.size >= 50, 15_000, '50 state topics');
    await early.close();
    // A subscriber that arrives now gets the state from the broker's retained store.
    const late = await MqttRecorder.connect(demo.broker.url, 'placeos/+/state/#');
    try {
      await late.waitFor(
        () => late.messages.filter((m) => m.retain).length >= 50,
        5_000,
        '50 retained state messages',
      );
      // The demo's example rule hashes e-mail addresses before they reach the broker.
      const text = [...late.latest.values()].map((p) => p.toString()).join('\n');
      expect(text).not.toMatch(/[a-z0-9._-]+@[a-z0-9-]+\.[a-z]+/i);
      expect(text).toMatch(/"[0-9a-f]{64}"/);
    } finally {
      await late.close();
    }
  });
});
