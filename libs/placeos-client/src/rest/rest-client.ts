import { placeOsErrorText } from './error-body';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Logger } from 'pino';
import type { Credentials } from '../auth/credentials';
import { PlaceOsAuthError, PlaceOsResponseError } from '../auth/placeos-auth-error';
import { type BackoffOptions, backoffDelay, sleep } from '../util/backoff';
import { Semaphore } from '../util/semaphore';
import { httpRequest } from './http-request';

/** Where and how the REST client talks to PlaceOS. */
export interface RestClientOptions {
  baseUrl: URL;
  credentials: Credentials;
  hostHeader?: string;
  requestTimeoutMs: number;
  concurrency: number;
  retry: BackoffOptions;
  /** Attempts per request before the error is handed to the caller (who retries later). */
  maxAttempts: number;
  /** Items per page on index routes. */
  pageSize: number;
  logger: Logger;
  signal: AbortSignal;
  /** Told about every failed attempt, for `status().lastError`. */
  onError: (error: Error) => void;
}

/** A 404: the model vanished between listing it and reading it. */
export class PlaceOsNotFoundError extends Error {
  constructor(readonly route: string) {
    super(`PlaceOS ${route} answered HTTP 404`);
    this.name = 'PlaceOsNotFoundError';
  }
}

/** PlaceOS never serves more than this offset (controllers/application.cr). */
const MAX_OFFSET = 1_000_000;

/**
 * GETs against `/api/engine/v2` with bounded concurrency, per-request timeouts and jittered
 * retries on 5xx, network errors, timeouts, truncated or unparsable bodies and auth refusals.
 */
export class RestClient {
  private readonly semaphore: Semaphore;
  readonly agent: HttpAgent;

  constructor(private readonly options: RestClientOptions) {
    this.semaphore = new Semaphore(options.concurrency);
    const agentOptions = { keepAlive: true, maxSockets: options.concurrency };
    this.agent =
      options.baseUrl.protocol === 'https:'
        ? new HttpsAgent(agentOptions)
        : new HttpAgent(agentOptions);
  }

  close(): void {
    this.agent.destroy();
  }

  /** GET a JSON document, retrying retryable failures up to `maxAttempts`. */
  async getJson(
    path: string,
    query: Record<string, string> = {},
  ): Promise<{ body: unknown; totalCount?: number }> {
    const url = new URL(`/api/engine/v2${path}`, this.options.baseUrl);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const route = `GET ${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.semaphore.run(() => this.attempt(url, route));
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (failure instanceof PlaceOsNotFoundError || this.options.signal.aborted) throw failure;
        this.options.onError(failure);
        if (attempt + 1 >= this.options.maxAttempts) throw failure;
        this.options.logger.warn(
          { route, attempt: attempt + 1, err: failure.message },
          'PlaceOS request failed; retrying',
        );
        await sleep(backoffDelay(attempt, this.options.retry), this.options.signal);
        if (this.options.signal.aborted) throw failure;
      }
    }
  }

  /**
   * Every item of an index route. Paging is done by `offset += page.length` until
   * `X-Total-Count` is reached, an empty page arrives, or a page brings nothing new; `Link` is
   * not trusted (older PlaceOS skipped a row per page). Items are de-duplicated by `id`.
   */
  async listAll(path: string, query: Record<string, string> = {}): Promise<unknown[]> {
    const items = new Map<string, unknown>();
    let offset = 0;
    while (offset <= MAX_OFFSET) {
      const page = await this.getJson(path, {
        ...query,
        limit: String(this.options.pageSize),
        offset: String(offset),
      });
      if (!Array.isArray(page.body)) {
        throw new PlaceOsResponseError(`GET ${path}`, 200, 'index response is not an array');
      }
      if (page.body.length === 0) break;
      let fresh = 0;
      for (const item of page.body) {
        const id = idOf(item);
        if (id === undefined) {
          this.options.logger.warn({ route: path }, 'PlaceOS listed an item without an id');
          continue;
        }
        if (!items.has(id)) fresh++;
        items.set(id, item);
      }
      offset += page.body.length;
      if (page.totalCount !== undefined && offset >= page.totalCount) break;
      if (page.totalCount === undefined && page.body.length < this.options.pageSize) break;
      // A server that ignores `offset` would otherwise be paged forever.
      if (fresh === 0) break;
    }
    return [...items.values()];
  }

  private async attempt(url: URL, route: string): Promise<{ body: unknown; totalCount?: number }> {
    const headers = await this.options.credentials.headers(this.options.signal);
    if (this.options.hostHeader) headers.host = this.options.hostHeader;
    const response = await httpRequest(url, {
      method: 'GET',
      headers,
      timeoutMs: this.options.requestTimeoutMs,
      signal: this.options.signal,
      agent: this.agent,
    });
    if (response.status === 401 || response.status === 403) {
      if (response.status === 401) this.options.credentials.invalidate();
      throw new PlaceOsAuthError(
        this.options.credentials.kind,
        route,
        response.status,
        placeOsErrorText(response.body),
      );
    }
    if (response.status === 404) throw new PlaceOsNotFoundError(route);
    if (response.status < 200 || response.status >= 300) {
      throw new PlaceOsResponseError(route, response.status, 'unexpected status');
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new PlaceOsResponseError(route, response.status, 'body is not valid JSON (truncated?)');
    }
    const total = Number(response.headers['x-total-count']);
    return {
      body,
      totalCount:
        response.headers['x-total-count'] !== undefined && Number.isSafeInteger(total) && total >= 0
          ? total
          : undefined,
    };
  }
}

function idOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const id = (item as Record<string, unknown>).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
