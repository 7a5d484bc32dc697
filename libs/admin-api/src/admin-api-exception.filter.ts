import type { ServerResponse } from 'node:http';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import {
  RuleNameTakenError,
  RuleNotFoundError,
  RulesStoreError,
  RuleVersionMismatchError,
  SubjectExistsError,
  SubjectNotFoundError,
} from '@app/rules-store';
import { notJsonMessage } from './admin-api-http';
import { versionEtag } from './if-match';

interface ErrorBody {
  statusCode: number;
  message: string | string[];
  error: string;
  [extra: string]: unknown;
}

/**
 * Turns everything an admin route throws into Nest's error shape: HTTP exceptions as they are,
 * store outcomes (rules and subjects) as 404/409/412, an unusable store as 503, and anything else — a bug, never
 * the client's doing — as a logged 500 that reveals nothing.
 */
@Catch()
export class AdminApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<ServerResponse>();
    const body = this.toBody(exception, response);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.statusCode = body.statusCode;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.end(JSON.stringify(body));
  }

  private toBody(exception: unknown, response: ServerResponse): ErrorBody {
    if (exception instanceof HttpException) return httpExceptionBody(exception);
    if (exception instanceof RuleNotFoundError)
      return { statusCode: 404, message: exception.message, error: 'Not Found' };
    if (exception instanceof SubjectNotFoundError)
      return { statusCode: 404, message: exception.message, error: 'Not Found' };
    if (exception instanceof SubjectExistsError)
      return {
        statusCode: 409,
        message: 'This subject is registered already',
        error: 'Conflict',
        id: exception.existingId,
      };
    if (exception instanceof RuleNameTakenError)
      return { statusCode: 409, message: exception.message, error: 'Conflict' };
    if (exception instanceof RuleVersionMismatchError) {
      response.setHeader('ETag', versionEtag(exception.currentVersion));
      return {
        statusCode: 412,
        message: exception.message,
        error: 'Precondition Failed',
        currentVersion: exception.currentVersion,
      };
    }
    if (exception instanceof RulesStoreError) {
      this.logger.error(`Rules store failure: ${exception.message}`);
      return {
        statusCode: 503,
        message: 'The rules store is unavailable',
        error: 'Service Unavailable',
      };
    }
    const clientError = bodyParserError(exception);
    if (clientError) return clientError;
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return { statusCode: 500, message: 'Internal server error', error: 'Internal Server Error' };
  }
}

function httpExceptionBody(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const payload = exception.getResponse();
  const error = statusText(status);
  if (typeof payload === 'string') return { statusCode: status, message: payload, error };
  const record = payload as Record<string, unknown>;
  const message = record.message;
  return {
    ...record,
    statusCode: status,
    message:
      typeof message === 'string' || Array.isArray(message)
        ? (message as string | string[])
        : exception.message,
    error: typeof record.error === 'string' ? record.error : error,
  };
}

/** Errors from body parsing (http-errors) carry a client status; keep it rather than a 500. */
function bodyParserError(exception: unknown): ErrorBody | undefined {
  if (exception === null || typeof exception !== 'object') return undefined;
  const { status, expose, message, type } = exception as {
    status?: unknown;
    expose?: unknown;
    message?: unknown;
    type?: unknown;
  };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true)
    return undefined;
  return {
    statusCode: status,
    message:
      type === 'entity.parse.failed'
        ? notJsonMessage(message)
        : typeof message === 'string'
          ? message
          : statusText(status),
    error: statusText(status),
  };
}

function statusText(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
