import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it('passes redis:// and rediss:// to ioredis, redacting the password', () => {
    const plain = parseRedisUrl('redis://:s3cr%40t@redis.placeos:6379/2');
    expect(plain.url).toBe('redis://:s3cr%40t@redis.placeos:6379/2');
    expect(plain.redacted).toBe('redis://:***@redis.placeos:6379/2');
    expect(plain.secrets).toEqual(expect.arrayContaining(['s3cr%40t', 's3cr@t']));
    const tls = parseRedisUrl('rediss://bridge:pw@redis.example.com:6380');
    expect(tls.redacted).toBe('rediss://bridge:***@redis.example.com:6380');
    expect(parseRedisUrl('redis://127.0.0.1:6379').redacted).toBe('redis://127.0.0.1:6379');
  });

  it('builds Sentinel options from redis-sentinel://', () => {
    const target = parseRedisUrl(
      'redis-sentinel://:master%23pw@10.0.0.1:26379,[::1]:26380,sentinel-c/placeos/1?sentinelPassword=sp1&tls=true',
    );
    expect(target.url).toBeUndefined();
    expect(target.options).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '::1', port: 26380 },
        { host: 'sentinel-c', port: 26379 },
      ],
      name: 'placeos',
      password: 'master#pw',
      sentinelPassword: 'sp1',
      db: 1,
      tls: {},
      sentinelTLS: {},
      enableTLSForSentinelMode: true,
    });
    expect(target.redacted).toBe(
      'redis-sentinel://:***@10.0.0.1:26379,[::1]:26380,sentinel-c/placeos/1?sentinelPassword=***&tls=true',
    );
    expect(target.redacted).not.toMatch(/master|sp1/);
  });

  it('rejects other schemes and malformed URLs without echoing them', () => {
    expect(() => parseRedisUrl('http://:pw@host')).toThrow(
      /redis:\/\/, rediss:\/\/ or redis-sentinel/,
    );
    expect(() => parseRedisUrl('redis-sentinel://:pw@host:26379')).toThrow(/<name>/);
    expect(() => parseRedisUrl('redis://:pw@')).toThrow(/not a valid URL|no host/);
    for (const bad of ['http://:pw@host', 'redis-sentinel://:pw@host:26379', 'redis://:pw@'])
      expect(() => parseRedisUrl(bad)).not.toThrow(/pw/);
  });
});
