import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** A complete HTTP response with its body read as text. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request's method, headers, body and limits. */
export interface HttpRequestOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  agent?: http.Agent;
}

/** The request could not complete: network error, timeout, or a body cut short. Retryable. */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly reason: 'network' | 'timeout' | 'truncated' | 'aborted',
  ) {
    super(message);
    this.name = 'HttpTransportError';
  }
}

/**
 * One HTTP request through node:http(s). Not `fetch`: undici drops a caller-set `Host` header,
 * and PlaceOS routes tenants by Host (placeos-api.md §1.1). The timeout covers the whole
 * exchange, body included, so a server that stalls mid-body cannot hang the caller.
 */
export function httpRequest(url: URL, options: HttpRequestOptions): Promise<HttpResponse> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: HttpTransportError | undefined, response?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        request.destroy();
        reject(error);
      } else if (response) resolve(response);
    };
    const onAbort = (): void =>
      finish(new HttpTransportError(`${options.method} ${url.pathname} aborted`, 'aborted'));
    const timer = setTimeout(
      () =>
        finish(
          new HttpTransportError(
            `${options.method} ${url.pathname} timed out after ${options.timeoutMs} ms`,
            'timeout',
          ),
        ),
      options.timeoutMs,
    );
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.body !== undefined)
      headers['content-length'] = String(Buffer.byteLength(options.body));
    const request = transport.request(
      url,
      { method: options.method, headers, agent: options.agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', () =>
          finish(
            new HttpTransportError(
              `${options.method} ${url.pathname}: body cut short`,
              'truncated',
            ),
          ),
        );
        response.on('aborted', () =>
          finish(
            new HttpTransportError(
              `${options.method} ${url.pathname}: body cut short`,
              'truncated',
            ),
          ),
        );
        response.on('end', () => {
          if (!response.complete) {
            finish(
              new HttpTransportError(
                `${options.method} ${url.pathname}: body cut short`,
                'truncated',
              ),
            );
            return;
          }
          finish(undefined, {
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    request.on('error', (error: Error) =>
      finish(
        new HttpTransportError(`${options.method} ${url.pathname}: ${error.message}`, 'network'),
      ),
    );
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.end(options.body);
  });
}
