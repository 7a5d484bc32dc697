import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConfig, loadBridgeConfig } from '@app/config';
import { describe, expect, it } from 'vitest';
import { assertTopicSettings } from '../../apps/bridge/src/topic-settings';

const EXAMPLE = join(__dirname, '../../deploy/brokers.example.yaml');

/**
 * deploy/brokers.example.yaml is what operators copy: every entry must pass the bridge's own
 * start-up checks (configuration and topic limits), and each cloud service has one.
 */
describe('deploy/brokers.example.yaml', () => {
  it('passes start-up validation, with an entry per cloud profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'brokers-example-'));
    // The certificate paths are the operator's: point them at readable stand-ins.
    const text = readFileSync(EXAMPLE, 'utf8').replace(/\/etc\/bridge\/\S+/g, (path) => {
      const file = join(dir, path.replaceAll('/', '_'));
      writeFileSync(file, '-----BEGIN CERTIFICATE-----\n');
      return file;
    });
    const file = join(dir, 'brokers.yaml');
    writeFileSync(file, text);
    const secrets = Object.fromEntries(
      [...text.matchAll(/\$\{([A-Z_]+)\}/g)].map(([, name], i) => [
        name,
        `value-${i}-0123456789abcdef`,
      ]),
    );
    const config = loadBridgeConfig({
      PLACEOS_URL: 'https://placeos.example.com',
      PLACEOS_API_KEY: 'abcdef0123456789.secretsecret',
      BROKERS_FILE: file,
      INSTANCE_ID: 'bridge-0',
      ...secrets,
    });
    assertTopicSettings(config);

    expect(new Set(config.brokers.map((b) => b.profile))).toEqual(
      new Set(['generic', 'aws-iot-core', 'azure-event-grid', 'hivemq-cloud', 'emqx-cloud']),
    );
    const aws = config.brokers.find((b) => b.profile === 'aws-iot-core')!;
    expect(aws).toMatchObject({
      connections: 4,
      topicTemplate: 'placeos/{org}/{system}/{module}_{index}/{key}',
      tls: { rejectUnauthorized: true },
    });
    expect(aws.tls.cert).toBeDefined();
    for (const broker of config.brokers) {
      expect(broker.tls.rejectUnauthorized).toBe(true);
      expect(broker.url).toMatch(/^(mqtts|wss):\/\//);
    }
    const summary = JSON.stringify(describeConfig(config));
    for (const value of Object.values(secrets)) expect(summary).not.toContain(value);
  });
});
