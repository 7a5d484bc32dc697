import type { BrokerConfig } from '@app/config';
import { BrokerConnection, type BrokerConnectionOptions } from '../broker-connection';
import pino, { type Logger } from 'pino';

/** A broker config for tests: defaults as the config loader would produce them. */
export function testBrokerConfig(url: string, overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  return {
    id: 'test',
    url,
    clientId: `bridge-test-${Math.random().toString(16).slice(2)}`,
    qos: 1,
    retain: true,
    protocolVersion: 'auto',
    tls: { rejectUnauthorized: true },
    profile: 'generic',
    limits: {},
    ...overrides,
  };
}

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Polls `predicate` until it holds; rejects after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A BrokerConnection for tests (quick reconnects, a quiet log) whose close is registered in
 * `cleanups`, so each spec does not build its own.
 */
export function openTestConnection(
  config: BrokerConfig,
  cleanups: { push(cleanup: () => Promise<void>): unknown },
  options: Partial<BrokerConnectionOptions> = {},
  closeTimeoutMs = 1000,
): BrokerConnection {
  const connection = new BrokerConnection(config, {
    instanceId: 'replica-0',
    logger: silentLogger(),
    reconnectPeriodMs: 50,
    maxReconnectPeriodMs: 200,
    ...options,
  });
  cleanups.push(() => connection.close(closeTimeoutMs));
  return connection;
}
