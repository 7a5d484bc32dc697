import { SimAuth } from '../auth/sim-auth';
import { BodyTooLargeError, HttpExchange, readBody, sendError, sendJson } from './http-exchange';

/** Path of Doorkeeper's token endpoint in PlaceOS/auth. */
export const TOKEN_PATH = '/auth/oauth/token';

function basicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/** Parameters from the body: JSON object or form encoding (ts-client sends an empty form body). */
function bodyParams(body: string, contentType: string): Map<string, string> | undefined {
  const params = new Map<string, string>();
  if (body.trim() === '') return params;
  if (contentType.includes('json') || body.trimStart().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof v === 'string') params.set(k, v);
      else if (typeof v === 'number' || typeof v === 'boolean') params.set(k, String(v));
    }
    return params;
  }
  for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
  return params;
}

/** `POST /auth/oauth/token`: parameters may come from the query string, a form body or a JSON body. */
export async function handleTokenRequest(
  ex: HttpExchange,
  auth: SimAuth,
  authorityFound = true,
): Promise<void> {
  if (ex.req.method !== 'POST') {
    sendError(ex, 404, 'Not Found');
    return;
  }
  let body: string;
  try {
    body = await readBody(ex.req);
  } catch (error) {
    sendJson(ex, error instanceof BodyTooLargeError ? 413 : 400, {
      error: 'invalid_request',
      error_description: 'The request body could not be read.',
    });
    return;
  }
  const fromBody = bodyParams(body, String(ex.req.headers['content-type'] ?? ''));
  if (fromBody === undefined) {
    sendJson(ex, 400, {
      error: 'invalid_request',
      error_description: 'The request body is not valid JSON.',
    });
    return;
  }
  const params = new Map<string, string>(ex.url.searchParams);
  for (const [k, v] of fromBody) params.set(k, v);
  let basic: { id: string; secret: string } | undefined;
  try {
    basic = basicAuth(ex.req.headers.authorization);
  } catch {
    basic = undefined;
  }
  const result = auth.token(params, basic, authorityFound);
  sendJson(ex, result.status, result.body, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}
