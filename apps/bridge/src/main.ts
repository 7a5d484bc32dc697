import 'reflect-metadata';
import { ConfigError, loadBridgeConfig } from '@app/config';
import { createLogger } from '@app/observability';
import { startBridge } from './bridge';
import { loadEnvFile } from './load-env-file';
import { assertTopicSettings } from './topic-settings';

async function main(): Promise<void> {
  loadEnvFile();
  let config;
  try {
    config = loadBridgeConfig(process.env);
    assertTopicSettings(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One clear message and no stack trace: the operator's mistake, not a bug.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const bridge = await startBridge(config, { logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: stop ingesting, flush, publish offline');
    const deadline = setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 5000);
    deadline.unref();
    bridge
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bridge failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
