import type { BrokerConfig } from '@app/config';
import { describe, expect, it } from 'vitest';
import { publicBroker } from './public-broker';

const HIERARCHY = ['org', 'building', 'level', 'area'];
const broker = (overrides: Partial<BrokerConfig> = {}): BrokerConfig => ({
  id: 'aws',
  url: 'mqtts://device:pw-in-url@iot.example.com:8883',
  username: 'device',
  password: 'broker-password',
  clientId: 'bridge-1',
  qos: 2,
  retain: true,
  protocolVersion: 'auto',
  tls: { key: Buffer.from('PRIVATE KEY'), rejectUnauthorized: true },
  secret: 'hmac-secret-0123456789',
  profile: 'generic',
  limits: {},
  ...overrides,
});

describe('publicBroker', () => {
  it('keeps nothing that could be a secret, only what the document describes', () => {
    const described = publicBroker(broker(), HIERARCHY);
    expect(Object.keys(described).sort()).toEqual(
      [
        'id',
        'protocolVersion',
        'qos',
        'retain',
        'statusQos',
        'statusTopic',
        'topicPrefix',
        'topicTemplate',
        'url',
      ].sort(),
    );
    // The URL goes on as configured: the document builder reads only its scheme, host and path.
    const text = JSON.stringify(described);
    for (const secret of ['broker-password', 'hmac-secret', 'PRIVATE KEY'])
      expect(text).not.toContain(secret);
  });

  it("applies the profile's caps and its default template when the canonical topic is too deep", () => {
    const aws = publicBroker(broker({ profile: 'aws-iot-core' }), HIERARCHY);
    expect(aws).toMatchObject({ qos: 1, statusQos: 1 });
    expect(aws.topicTemplate).toBe('placeos/{org}/{system}/{module}_{index}/{key}');
    // An org-only hierarchy gives 8 levels (7 slashes), which AWS IoT Core allows.
    expect(
      publicBroker(broker({ profile: 'aws-iot-core' }), ['org']).topicTemplate,
    ).toBeUndefined();
    expect(
      publicBroker(broker({ profile: 'aws-iot-core', topicTemplate: 'x/{topic}' }), HIERARCHY)
        .topicTemplate,
    ).toBe('x/{topic}');
    expect(publicBroker(broker(), HIERARCHY)).toMatchObject({ qos: 2, topicTemplate: undefined });
  });
});
