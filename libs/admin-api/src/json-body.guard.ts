import type { IncomingMessage } from 'node:http';
import {
  BadRequestException,
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';

/** Deepest nesting accepted in a request body; deeper bodies could exhaust the validators' stack. */
export const MAX_BODY_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Screens request bodies before validation: JSON only (415 otherwise), no prototype-pollution
 * keys anywhere, bounded nesting. The walk is iterative, so no body can overflow the stack here.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IncomingMessage & { body?: unknown }>();
    if (!METHODS_WITH_BODY.has(request.method ?? '')) return true;
    const contentType = request.headers['content-type'];
    if (contentType !== undefined) {
      if (!/^application\/json\s*(;|$)/i.test(contentType))
        throw new UnsupportedMediaTypeException('The request body must be application/json');
    } else if (hasBody(request)) {
      throw new UnsupportedMediaTypeException('The request body must be application/json');
    }
    const problem = bodyProblem(request.body);
    if (problem) throw new BadRequestException([problem]);
    return true;
  }
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

/** Why a parsed JSON body is refused before validation, or undefined when it is acceptable. */
export function bodyProblem(body: unknown): string | undefined {
  const pending: { value: unknown; depth: number; path: string }[] = [
    { value: body, depth: 0, path: 'body' },
  ];
  while (pending.length > 0) {
    const { value, depth, path } = pending.pop() as { value: unknown; depth: number; path: string };
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return `body is nested deeper than ${MAX_BODY_DEPTH} levels`;
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        pending.push({ value: item, depth: depth + 1, path: `${path}[${index}]` }),
      );
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `${path} must not contain the key "${key}"`;
      pending.push({
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        path: `${path}.${key}`,
      });
    }
  }
  return undefined;
}
