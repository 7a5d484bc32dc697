import type { IncomingMessage, ServerResponse } from 'node:http';

/** One HTTP request/response pair with the bits every route needs. */
export interface HttpExchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  /** Set by fault injection: the body is cut in half. */
  truncate: boolean;
}

/** Body larger than this is refused (413): the simulator never buffers unbounded input. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Writes a response; a JSON text body gets `application/json`. Honours the truncate fault. */
export function send(
  ex: HttpExchange,
  status: number,
  body: string | undefined,
  headers: Record<string, string> = {},
): void {
  if (ex.res.headersSent || ex.res.destroyed) return;
  ex.res.setHeader('X-Request-ID', ex.requestId);
  for (const [k, v] of Object.entries(headers)) ex.res.setHeader(k, v);
  if (body === undefined) {
    ex.res.statusCode = status;
    ex.res.setHeader('Content-Length', '0');
    ex.res.end();
    return;
  }
  ex.res.statusCode = status;
  ex.res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (ex.truncate) {
    // Ends cleanly after half the bytes: the client sees a well-formed HTTP response with broken JSON.
    const bytes = Buffer.from(body, 'utf8');
    ex.res.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
    return;
  }
  ex.res.setHeader('Content-Length', String(Buffer.byteLength(body, 'utf8')));
  ex.res.end(body);
}

/** Sends `value` as JSON. */
export function sendJson(
  ex: HttpExchange,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(ex, status, JSON.stringify(value), headers);
}

/** Sends `{"error": message}` (rest-api's 401/404 shape). */
export function sendError(ex: HttpExchange, status: number, message: string): void {
  sendJson(ex, status, { error: message });
}

/** Thrown by `readBody` when the body is too large. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Reads the whole request body as UTF-8, refusing more than `MAX_BODY_BYTES`. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
