import { placeOsErrorText } from './error-body';
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Logger } from 'pino';
import type { Credentials } from '../auth/credentials';
import { PlaceOsAuthError, PlaceOsResponseError } from '../auth/placeos-auth-error';
import { type BackoffOptions, backoffDelay, sleep } from '../util/backoff';
import { Semaphore } from '../util/semaphore';
import { httpRequest } from './http-request';
import type { ListingMemo, MemoPage } from './listing-memo';

/** A page as read: parsed, or `unchanged` when its body matched the digest it was read with. */
interface PageRead {
  body?: unknown;
  unchanged?: true;
  digest?: string;
  totalCount?: number;
}

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
    const read = await this.read(path, query);
    return { body: read.body, totalCount: read.totalCount };
  }

  /** `digest` given: the body is digested, and not parsed when it matches (`unchanged`). */
  private async read(
    path: string,
    query: Record<string, string>,
    digest?: string | null,
  ): Promise<PageRead> {
    const url = new URL(`/api/engine/v2${path}`, this.options.baseUrl);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const route = `GET ${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.semaphore.run(() => this.attempt(url, route, digest));
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
   * Every item of an index route that `parse` can read. Paging is done by `offset +=
   * page.length` until `X-Total-Count` is reached, an empty page arrives, or a page brings
   * nothing new; `Link` is not trusted (older PlaceOS skipped a row per page). Items are
   * de-duplicated by `id`. With a memo, a page whose body has not changed since the last read
   * gives the items made of it then, without being parsed again.
   */
  async listAll<T extends { id: string }>(
    path: string,
    query: Record<string, string>,
    parse: (raw: unknown) => T | undefined,
    memo?: ListingMemo<T>,
  ): Promise<T[]> {
    const listing = `${path}?${new URLSearchParams(query).toString()}`;
    const items = new Map<string, T>();
    const seen = new Set<string>();
    const pages: MemoPage<T>[] = [];
    let changed = 0;
    let offset = 0;
    while (offset <= MAX_OFFSET) {
      const known = memo?.page(listing, pages.length);
      const read = await this.read(
        path,
        { ...query, limit: String(this.options.pageSize), offset: String(offset) },
        memo ? (known?.digest ?? null) : undefined,
      );
      let page: MemoPage<T>;
      if (read.unchanged && known) {
        page = known;
      } else {
        page = this.readPage(path, read.body, parse, read.digest ?? '');
        changed++;
      }
      pages.push(page);
      if (page.ids.length === 0) break;
      let fresh = 0;
      for (const id of page.ids) {
        if (!seen.has(id)) fresh++;
        seen.add(id);
      }
      for (const item of page.items) items.set(item.id, item);
      offset += page.ids.length;
      if (read.totalCount !== undefined && offset >= read.totalCount) break;
      if (read.totalCount === undefined && page.ids.length < this.options.pageSize) break;
      // A server that ignores `offset` would otherwise be paged forever.
      if (fresh === 0) break;
    }
    memo?.record(listing, pages, changed);
    return [...items.values()];
  }

  private readPage<T>(
    path: string,
    body: unknown,
    parse: (raw: unknown) => T | undefined,
    digest: string,
  ): MemoPage<T> {
    if (!Array.isArray(body)) {
      throw new PlaceOsResponseError(`GET ${path}`, 200, 'index response is not an array');
    }
    const ids: string[] = [];
    const items: T[] = [];
    for (const raw of body) {
      const id = idOf(raw);
      if (id === undefined) {
        this.options.logger.warn({ route: path }, 'PlaceOS listed an item without an id');
        continue;
      }
      ids.push(id);
      const item = parse(raw);
      if (item) items.push(item);
      else
        this.options.logger.warn(
          { route: path },
          'PlaceOS listed an item that could not be read; skipped',
        );
    }
    return { digest, ids, items };
  }

  private async attempt(url: URL, route: string, digestWith?: string | null): Promise<PageRead> {
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
    const total = Number(response.headers['x-total-count']);
    const totalCount =
      response.headers['x-total-count'] !== undefined && Number.isSafeInteger(total) && total >= 0
        ? total
        : undefined;
    const digest =
      digestWith === undefined
        ? undefined
        : createHash('sha256').update(response.body).digest('base64');
    if (digest !== undefined && digest === digestWith)
      return { unchanged: true, digest, totalCount };
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      throw new PlaceOsResponseError(route, response.status, 'body is not valid JSON (truncated?)');
    }
    return { body, digest, totalCount };
  }
}

function idOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const id = (item as Record<string, unknown>).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
