import 'reflect-metadata';
import { ConfigError, loadBridgeConfig } from '@app/config';
import { loadEnvFile } from './load-env-file';

function main(): void {
  loadEnvFile();
  try {
    loadBridgeConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One clear message and no stack trace: the operator's mistake, not a bug.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

main();
