import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Largest JSON body the app accepts (a full 1,000-rule set fits); larger bodies get a 413. */
export const ADMIN_API_BODY_LIMIT = '1mb';

/**
 * Sets the app's JSON body parser to ADMIN_API_BODY_LIMIT (Nest's default is 100 kB). Call it
 * after creating the (Express) app and before `init()`/`listen()`.
 */
export function useAdminApiBodyParser(app: INestApplication): void {
  const express = app as Partial<Pick<NestExpressApplication, 'useBodyParser'>>;
  if (typeof express.useBodyParser !== 'function')
    throw new Error('useAdminApiBodyParser needs an Express-based Nest application');
  express.useBodyParser('json', { limit: ADMIN_API_BODY_LIMIT });
  app.use(bodyParserErrorHandler);
}

const BODY_ERROR_NAMES: Record<number, string> = {
  400: 'Bad Request',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
};

/**
 * Express error middleware right after the parser: body-parser's own errors (malformed JSON,
 * too large, bad charset) answered in Nest's error shape; anything else passes on.
 */
function bodyParserErrorHandler(
  error: unknown,
  _request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
): void {
  const { status, type, message } = (error ?? {}) as {
    status?: unknown;
    type?: unknown;
    message?: unknown;
  };
  if (typeof status !== 'number' || status < 400 || status > 499 || typeof type !== 'string') {
    next(error);
    return;
  }
  // body-parser uses 413 (too large), 415 (unsupported charset/encoding) and 400 for the rest.
  const statusCode = status === 413 || status === 415 ? status : 400;
  const body = {
    statusCode,
    message:
      type === 'entity.too.large'
        ? `The request body is larger than ${ADMIN_API_BODY_LIMIT}`
        : type === 'entity.parse.failed'
          ? notJsonMessage(message)
          : typeof message === 'string'
            ? message
            : 'The request body cannot be read',
    error: BODY_ERROR_NAMES[statusCode],
  };
  response.statusCode = statusCode;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}

/**
 * The parser's message without the excerpt of the body that V8 quotes (`Unexpected token 'a',
 * ..."subject":alice@ex"... is not valid JSON`): a body may carry a data subject or personal
 * data, which no response repeats. Only the position is kept.
 */
export function notJsonMessage(message: unknown): string {
  const position = typeof message === 'string' ? / at position (\d+)/.exec(message) : null;
  return position
    ? `The request body is not valid JSON (at position ${position[1]})`
    : 'The request body is not valid JSON';
}

/** Serves the OpenAPI UI at /api/docs and its JSON at /api/docs-json. Call before `init()`. */
export function setupAdminApiDocs(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('placeos-mqtt-bridge admin API')
    .setDescription(
      'Privacy rules, preview (dry run), impact, data subjects, leak findings and broker ' +
        'status. Every /api/v1 route needs ' +
        '`Authorization: Bearer <ADMIN_TOKEN>`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
