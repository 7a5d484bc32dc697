import { describe, expect, it } from 'vitest';
import { scrubSecrets, secretsOfUrl, urlWithoutCredentials } from './url-redaction';

describe('urlWithoutCredentials', () => {
  it('drops user info and masks secret query values, in every URL form the bridge takes', () => {
    expect(urlWithoutCredentials('mqtts://user:pw@broker.example:8883')).toBe(
      'mqtts://broker.example:8883',
    );
    expect(urlWithoutCredentials('wss://user:pw@broker.example/mqtt')).toBe(
      'wss://broker.example/mqtt',
    );
    expect(urlWithoutCredentials('postgres://rules:s3cr%40t@db:5432/bridge?schema=a')).toBe(
      'postgres://db:5432/bridge?schema=a',
    );
    expect(urlWithoutCredentials('postgres://db/bridge?password=hunter2&sslpassword=x')).toBe(
      'postgres://db/bridge?password=***&sslpassword=***',
    );
    expect(urlWithoutCredentials('redis://:pw@cache:6379/0?sentinelPassword=pw2')).toBe(
      'redis://cache:6379/0?sentinelPassword=***',
    );
    expect(urlWithoutCredentials('https://placeos.example.com?token=abc')).toBe(
      'https://placeos.example.com/?token=***',
    );
    expect(urlWithoutCredentials('ws://broker.example:8080')).toBe('ws://broker.example:8080');
  });

  it('does not echo text that is not a URL', () => {
    expect(urlWithoutCredentials('hunter2')).toBe('[unparseable URL]');
  });
});

describe('secretsOfUrl and scrubSecrets', () => {
  it('finds the password, decoded too, and secret query values', () => {
    expect(secretsOfUrl('postgres://u:s3cr%40t@db/x?password=p2&schema=s')).toEqual([
      's3cr%40t',
      's3cr@t',
      'p2',
    ]);
    expect(secretsOfUrl('mqtt://broker')).toEqual([]);
    expect(secretsOfUrl('not a url')).toEqual([]);
  });

  it('replaces every secret and any quoted user info', () => {
    expect(scrubSecrets('auth s3cr@t failed for s3cr@t', ['s3cr@t', undefined])).toBe(
      'auth *** failed for ***',
    );
    expect(scrubSecrets('connect mqtt://bob:pw@broker failed', [])).toBe(
      'connect mqtt://***@broker failed',
    );
    expect(scrubSecrets('nothing here', ['pw'])).toBe('nothing here');
  });
});
