import { setupAdminApiDocs, useAdminApiBodyParser } from '@app/admin-api';
import { type BridgeConfig, describeConfig } from '@app/config';
import { BridgeMetrics, createLogger, PinoNestLogger } from '@app/observability';
import { PlaceOsClient, PlaceOsTransport } from '@app/placeos-client';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { BridgeLifecycle } from './bridge-lifecycle';
import { assertTopicSettings } from './topic-settings';

export interface RunningBridge {
  readonly app: INestApplication;
  /** Base URL of the admin API, health and metrics. */
  readonly url: string;
  readonly logger: Logger;
  /** Names this replica (client ids, the status topic). */
  readonly instanceId: string;
  /** Resolves once the rules committed so far are in effect. */
  reloadRules(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots the whole bridge from a validated configuration: a hybrid Nest application whose HTTP
 * side serves the admin API, health and metrics, and whose event side is the PlaceOS transport.
 */
export async function startBridge(
  config: BridgeConfig,
  options: { logger?: Logger; metrics?: BridgeMetrics; host?: string } = {},
): Promise<RunningBridge> {
  assertTopicSettings(config);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const metrics = options.metrics ?? new BridgeMetrics();
  const app = await NestFactory.create(AppModule.forRoot(config, logger, metrics), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    // The admin API installs its own JSON body parser (size limit, errors in Nest's shape).
    bodyParser: false,
  });
  useAdminApiBodyParser(app);
  setupAdminApiDocs(app);
  const client = app.get(PlaceOsClient);
  const transport = new PlaceOsTransport(client, {
    logger: logger.child({ component: 'transport' }),
  });
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  // Rules and broker connections first (bootstrap hooks), then events, then HTTP.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.http.port, options.host ?? '0.0.0.0');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ config: describeConfig(config), url }, 'bridge started');
  const lifecycle = app.get(BridgeLifecycle);
  let closing: Promise<void> | undefined;
  // Graceful shutdown in the order Kubernetes needs: stop looking ready, stop ingesting, deliver
  // what is queued (HTTP still answers 503 meanwhile), say `offline`, then close everything.
  const shutdown = async (): Promise<void> => {
    lifecycle.beginShutdown();
    await transport.close();
    await lifecycle.flushBrokers();
    await app.close();
  };
  return {
    app,
    url,
    logger,
    instanceId: config.instanceId,
    reloadRules: () => lifecycle.reloadRules(),
    close: () => (closing ??= shutdown()),
  };
}
