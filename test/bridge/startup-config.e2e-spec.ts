import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

/** Runs the bridge's entry point from source with only PATH and `env` set. */
function startBridgeMain(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'apps/bridge/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('bridge start-up with a bad environment', () => {
  it('prints one message naming every problem and exits non-zero, without a stack trace', () => {
    const result = startBridgeMain({
      MQTT_URL: 'mqtt://127.0.0.1:1',
      MQTT_QOS: '7',
      PLACEOS_API_KEY: 'abcdef0123456789.key',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration (2 problems)');
    expect(result.stderr).toContain('PLACEOS_URL is required');
    expect(result.stderr).toContain('MQTT_QOS must be 0, 1 or 2 (got "7")');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('refuses several replicas on SQLite rules or a shared literal client id', () => {
    const result = startBridgeMain({
      PLACEOS_URL: 'http://127.0.0.1:1',
      PLACEOS_API_KEY: 'abcdef0123456789.key',
      MQTT_URL: 'mqtt://127.0.0.1:1',
      MQTT_CLIENT_ID: 'placeos-bridge',
      SHARD_COUNT: '3',
      SHARD_INDEX: '1',
      RULES_DB: 'sqlite:/tmp/never-created/rules.db',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration (2 problems)');
    expect(result.stderr).toContain(
      'RULES_DB is SQLite (sqlite:/tmp/never-created/rules.db) but SHARD_COUNT is 3',
    );
    expect(result.stderr).toContain('MQTT_CLIENT_ID is the same on every replica');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
