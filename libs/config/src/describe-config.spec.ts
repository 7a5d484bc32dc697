import { describe, expect, it } from 'vitest';
import { describeConfig } from './describe-config';
import { loadBridgeConfig } from './load-config';

const SECRET = 's3cr3t-Pa55';

/** Every URL form of a password the bridge accepts, for the start-up configuration log line. */
const FORMS: Record<string, string> = {
  RULES_DB: `postgres://bridge:${SECRET}@db.example.com:5432/bridge?sslpassword=${SECRET}&password=${SECRET}&schema=b1`,
  PLACEOS_REDIS_URL: `redis-sentinel://:${SECRET}@s1.example.com:26379,s2.example.com:26379/mymaster?sentinelPassword=${SECRET}`,
  MQTT_URL: `mqtts://user:${SECRET}@broker.example.com:8883/?token=${SECRET}`,
};

describe('describeConfig', () => {
  it('keeps every URL form of a secret out of the start-up summary', () => {
    const config = loadBridgeConfig({
      PLACEOS_URL: `https://svc:${SECRET}@placeos.example.com/?api_key=${SECRET}`,
      PLACEOS_API_KEY: 'abcdef0123456789.secretsecret',
      ...FORMS,
    });
    const text = JSON.stringify(describeConfig(config));
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('secretsecret');
    // What is not secret stays, so the line still says where the bridge connects.
    expect(text).toContain('db.example.com:5432/bridge?sslpassword=***&password=***&schema=b1');
    expect(text).toContain('broker.example.com:8883');
  });
});
