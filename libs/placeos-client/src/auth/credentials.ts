import type { Agent } from 'node:http';
import type { Logger } from 'pino';
import { httpRequest } from '../rest/http-request';
import { PlaceOsAuthError, PlaceOsResponseError } from './placeos-auth-error';

/** Supplies the authentication headers for REST requests and the WebSocket upgrade. */
export interface Credentials {
  /** What kind of credential this is, for error messages. */
  readonly kind: 'api-key' | 'oauth-token';
  headers(signal?: AbortSignal): Promise<Record<string, string>>;
  /** A request carrying the current credential was refused: drop any cached token. */
  invalidate(): void;
}

/** `X-API-Key` on every request (placeos-api.md §1.1). */
export class ApiKeyCredentials implements Credentials {
  readonly kind = 'api-key';

  constructor(private readonly apiKey: string) {}

  headers(): Promise<Record<string, string>> {
    return Promise.resolve({ 'x-api-key': this.apiKey });
  }

  invalidate(): void {
    // A key cannot be renewed; the caller reports the refusal and retries with backoff.
  }
}

/** OAuth2 password-grant credentials (Doorkeeper application uid/secret). */
export interface OAuthOptions {
  username: string;
  password: string;
  clientId: string;
  clientSecret?: string;
}

interface AccessToken {
  accessToken: string;
  refreshToken?: string;
  /** Unix ms after which the token should no longer be used. */
  renewAt: number;
}

const TOKEN_PATH = '/auth/oauth/token';
const MAX_RENEW_MARGIN_MS = 60_000;

/**
 * OAuth2 password grant against Doorkeeper (placeos-api.md §1.2). The token is renewed before it
 * expires (from `expires_in` and the JWT `exp`, whichever is sooner). Refresh tokens are
 * single-use, so the rotated one is stored; a refused refresh falls back to the password grant.
 */
export class OAuthCredentials implements Credentials {
  readonly kind = 'oauth-token';
  private token?: AccessToken;
  private renewing?: Promise<AccessToken>;

  constructor(
    private readonly baseUrl: URL,
    private readonly options: OAuthOptions,
    private readonly requestOptions: {
      hostHeader?: string;
      timeoutMs: number;
      agent?: Agent;
      now?: () => number;
      logger?: Logger;
    },
  ) {}

  async headers(signal?: AbortSignal): Promise<Record<string, string>> {
    const token = await this.currentToken(signal);
    return { authorization: `Bearer ${token.accessToken}` };
  }

  invalidate(): void {
    if (this.token) this.token = { ...this.token, renewAt: 0 };
  }

  private now(): number {
    return (this.requestOptions.now ?? Date.now)();
  }

  private currentToken(signal?: AbortSignal): Promise<AccessToken> {
    if (this.token && this.now() < this.token.renewAt) return Promise.resolve(this.token);
    // One renewal at a time: concurrent callers share it (a refresh token is single-use).
    this.renewing ??= this.renew(signal).finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renew(signal?: AbortSignal): Promise<AccessToken> {
    const refreshToken = this.token?.refreshToken;
    if (refreshToken) {
      try {
        this.token = await this.grant(
          { grant_type: 'refresh_token', refresh_token: refreshToken },
          'oauth-refresh',
          signal,
        );
        this.requestOptions.logger?.debug('PlaceOS OAuth access token refreshed');
        return this.token;
      } catch (error) {
        if (!(error instanceof PlaceOsAuthError)) throw error;
        // Refused (rotated elsewhere, revoked, expired): start over with the password grant.
        this.requestOptions.logger?.warn(
          { status: error.status },
          'PlaceOS refused the OAuth refresh token; logging in again with the password grant',
        );
        this.token = undefined;
      }
    }
    this.token = await this.grant(
      {
        grant_type: 'password',
        username: this.options.username,
        password: this.options.password,
        scope: 'public',
      },
      'oauth-password-grant',
      signal,
    );
    this.requestOptions.logger?.info('PlaceOS OAuth password grant succeeded');
    return this.token;
  }

  private async grant(
    fields: Record<string, string>,
    credential: 'oauth-refresh' | 'oauth-password-grant',
    signal?: AbortSignal,
  ): Promise<AccessToken> {
    const form = new URLSearchParams({ ...fields, client_id: this.options.clientId });
    if (this.options.clientSecret) form.set('client_secret', this.options.clientSecret);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (this.requestOptions.hostHeader) headers.host = this.requestOptions.hostHeader;
    const route = `POST ${TOKEN_PATH}`;
    const response = await httpRequest(new URL(TOKEN_PATH, this.baseUrl), {
      method: 'POST',
      headers,
      body: form.toString(),
      timeoutMs: this.requestOptions.timeoutMs,
      signal,
      agent: this.requestOptions.agent,
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new PlaceOsAuthError(credential, route, response.status, oauthErrorCode(response.body));
    }
    if (response.status < 200 || response.status >= 300) {
      throw new PlaceOsResponseError(route, response.status, 'token request failed');
    }
    return this.parseToken(route, response.status, response.body);
  }

  private parseToken(route: string, status: number, body: string): AccessToken {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new PlaceOsResponseError(route, status, 'token response is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null) {
      throw new PlaceOsResponseError(route, status, 'token response is not an object');
    }
    const fields = parsed as Record<string, unknown>;
    const accessToken = fields.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new PlaceOsResponseError(route, status, 'token response has no access_token');
    }
    const now = this.now();
    let expiresAt = Number.POSITIVE_INFINITY;
    if (typeof fields.expires_in === 'number' && fields.expires_in > 0) {
      expiresAt = now + fields.expires_in * 1000;
    }
    const jwtExp = jwtExpiry(accessToken);
    if (jwtExp !== undefined) expiresAt = Math.min(expiresAt, jwtExp * 1000);
    // Without any expiry information, renew hourly (the PlaceOS UserJWT lifetime).
    if (!Number.isFinite(expiresAt)) expiresAt = now + 3_600_000;
    const lifetime = Math.max(0, expiresAt - now);
    const margin = Math.min(MAX_RENEW_MARGIN_MS, lifetime * 0.2);
    return {
      accessToken,
      refreshToken: typeof fields.refresh_token === 'string' ? fields.refresh_token : undefined,
      renewAt: expiresAt - margin,
    };
  }
}

/** The `exp` claim of a JWT, read without verifying it (we only schedule renewal with it). */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof claims === 'object' && claims !== null) {
      const exp = (claims as Record<string, unknown>).exp;
      if (typeof exp === 'number' && Number.isFinite(exp)) return exp;
    }
  } catch {
    // Not a JWT we can read: rely on expires_in.
  }
  return undefined;
}

/** The RFC 6749 `error` code of a refusal (never the description, which may echo input). */
function oauthErrorCode(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const code = (parsed as Record<string, unknown>).error;
      if (typeof code === 'string' && /^[a-z_]{1,40}$/.test(code)) return code;
    }
  } catch {
    // Not JSON: no code to report.
  }
  return undefined;
}
