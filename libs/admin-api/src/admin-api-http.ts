import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Largest JSON body the app accepts (a full 1,000-rule set fits); larger bodies get a 413. */
export const ADMIN_API_BODY_LIMIT = '1mb';

/**
 * Sets the app's JSON body parser to ADMIN_API_BODY_LIMIT (Nest's default is 100 kB). Call it
 * after creating the app and before `init()`/`listen()`.
 */
export function useAdminApiBodyParser(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: ADMIN_API_BODY_LIMIT });
}

/** Serves the OpenAPI UI at /api/docs and its JSON at /api/docs-json. Call before `init()`. */
export function setupAdminApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('placeos-mqtt-bridge admin API')
    .setDescription(
      'Privacy rules, preview (dry run) and broker status. Every /api/v1 route needs ' +
        '`Authorization: Bearer <ADMIN_TOKEN>`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
