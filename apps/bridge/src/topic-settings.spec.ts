import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadBridgeConfig } from '@app/config';
import { describe, expect, it } from 'vitest';
import { assertTopicSettings } from './topic-settings';

const BASE = {
  PLACEOS_URL: 'https://placeos.example.com',
  PLACEOS_API_KEY: 'abcdef0123456789.secretsecret',
};

function configWith(brokers: object[], env: Record<string, string> = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'topics-')), 'brokers.json');
  writeFileSync(file, JSON.stringify(brokers));
  return loadBridgeConfig({ ...BASE, BROKERS_FILE: file, ...env });
}

function problemsOf(config: ReturnType<typeof loadBridgeConfig>): string[] {
  try {
    assertTopicSettings(config);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('assertTopicSettings', () => {
  it("gives an AWS IoT Core broker without a template its profile's default", () => {
    const config = configWith([
      { id: 'aws', url: 'mqtts://a.example:8883', profile: 'aws-iot-core' },
      { id: 'plain', url: 'mqtt://b.example:1883' },
    ]);
    expect(problemsOf(config)).toEqual([]);
    expect(config.brokers[0].topicTemplate).toBe('placeos/{org}/{system}/{module}_{index}/{key}');
    expect(config.brokers[1].topicTemplate).toBeUndefined();
  });

  it('keeps the canonical topic when it fits (a one-level hierarchy has 7 slashes)', () => {
    const config = configWith(
      [{ id: 'aws', url: 'mqtts://a.example:8883', profile: 'aws-iot-core' }],
      { PLACEOS_HIERARCHY: 'org' },
    );
    expect(problemsOf(config)).toEqual([]);
    expect(config.brokers[0].topicTemplate).toBeUndefined();
  });

  it('stops start-up when a template still breaks the limits, naming the broker and topicTemplate', () => {
    const config = configWith([
      {
        id: 'aws',
        url: 'mqtts://a.example:8883',
        profile: 'aws-iot-core',
        topicTemplate: 'placeos/{org}/{building}/{level}/{area}/{system}/{module}/{index}/{key}',
      },
      // The default template fits, but not with four more levels of prefix.
      {
        id: 'deep',
        url: 'mqtts://a.example:8883',
        profile: 'aws-iot-core',
        topicPrefix: 'a/b/c/d/',
      },
    ]);
    expect(problemsOf(config)).toEqual([
      'BROKERS_FILE broker "aws" topicTemplate "placeos/{org}/{building}/{level}/{area}/{system}/{module}/{index}/{key}" does not fit broker "aws": state topics break the broker\'s limits: topic has 9 levels, broker allows 8',
      'BROKERS_FILE broker "deep" topicTemplate "placeos/{org}/{system}/{module}_{index}/{key}" (the aws-iot-core profile\'s default) does not fit broker "deep": state topics break the broker\'s limits: topic has 9 levels, broker allows 8',
    ]);
  });

  it('asks for a template when explicit limits break the canonical topic and no default exists', () => {
    const config = loadBridgeConfig({
      ...BASE,
      MQTT_URL: 'mqtt://localhost:1883',
      MQTT_PROFILE: 'emqx-cloud',
    });
    config.brokers[0].limits.maxTopicLevels = 8;
    expect(problemsOf(config)).toEqual([
      'MQTT_TOPIC_TEMPLATE is needed: the standard topics break the limits of broker "default" (state topics break the broker\'s limits: topic has 11 levels, broker allows 8)',
    ]);
  });

  it('checks the byte length with typical ids', () => {
    const config = configWith([
      {
        id: 'tight',
        url: 'mqtt://a.example:1883',
        topicTemplate: '{topic}',
        limits: { maxTopicBytes: 120 },
      },
    ]);
    expect(problemsOf(config)[0]).toMatch(
      /^BROKERS_FILE broker "tight" topicTemplate "\{topic\}" does not fit broker "tight": state topics break the broker's limits: topic is \d+ bytes, broker allows 120 \(assuming 24-byte ids/,
    );
  });
});
