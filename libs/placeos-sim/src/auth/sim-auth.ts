import { randomBytes, randomUUID } from 'node:crypto';
import { signJwt, UserJwtClaims, verifyJwt } from './jwt';

/** PlaceOS permission levels as carried in the JWT (`u.p`). */
export type SimPermissions = 'user' | 'support' | 'admin';

const PERMISSION_NUMBER: Record<SimPermissions, number> = { user: 0, support: 1, admin: 2 };

/** Who made a request, once authenticated. */
export interface SimPrincipal {
  permissions: SimPermissions;
  claims: UserJwtClaims;
}

/** Outcome of authenticating a request. */
export type AuthResult = { ok: true; principal: SimPrincipal } | { ok: false; error: string };

/** Where credentials can come from on a request. */
export interface CredentialSources {
  headers: Record<string, string | string[] | undefined>;
  query: URLSearchParams;
}

/** Result of the OAuth token endpoint: HTTP status and JSON body. */
export interface TokenEndpointResult {
  status: number;
  body: Record<string, unknown>;
}

/** Settings for `SimAuth` (all but `audience` are `SimulatorOptions` too). */
export interface SimAuthOptions {
  /** Default: generated in PlaceOS format. */
  apiKey?: string;
  /** Default 'support' (what the bridge needs); 'user' exercises the 403 and protected-module paths. */
  apiKeyPermissions?: SimPermissions;
  /** Permissions of the OAuth password-grant user (default 'support'). */
  userPermissions?: SimPermissions;
  user?: { email: string; password: string };
  oauthClient?: { clientId: string; clientSecret: string };
  /** Default 7200 like Doorkeeper. */
  accessTokenTtlSeconds?: number;
  /** The tokens' `aud` (default 'placeos-sim.local'). */
  audience?: string;
}

const INVALID_GRANT =
  'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';
const INVALID_CLIENT =
  'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.';

/** A key in PlaceOS format: 32 hex characters, a dot, and a url-safe base64 secret. */
export function generateApiKey(): string {
  return `${randomBytes(16).toString('hex')}.${randomBytes(32).toString('base64url')}`;
}

function header(headers: CredentialSources['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function cookie(headers: CredentialSources['headers'], name: string): string | undefined {
  const raw = header(headers, 'cookie');
  if (raw === undefined) return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** API keys, the OAuth password/refresh grants and bearer JWTs, with PlaceOS's failure shapes. */
export class SimAuth {
  readonly apiKey: string;
  readonly user: { email: string; password: string };
  readonly oauthClient: { clientId: string; clientSecret: string };
  private readonly apiKeyPermissions: SimPermissions;
  private readonly userPermissions: SimPermissions;
  private readonly ttlSeconds: number;
  private readonly audience: string;
  private readonly secret = randomBytes(32);
  /** Access token → expiry in ms (tokens can be expired early by tests). */
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();
  private readonly userId = 'user-SimBridge1';
  private readonly keyUserId = 'user-SimApiKey1';

  constructor(options: SimAuthOptions = {}) {
    this.apiKey = options.apiKey ?? generateApiKey();
    this.apiKeyPermissions = options.apiKeyPermissions ?? 'support';
    this.userPermissions = options.userPermissions ?? 'support';
    this.user = options.user ?? {
      email: 'bridge@example.com',
      password: randomBytes(12).toString('base64url'),
    };
    this.oauthClient = options.oauthClient ?? {
      clientId: randomBytes(16).toString('hex'),
      clientSecret: randomBytes(24).toString('base64url'),
    };
    this.ttlSeconds = options.accessTokenTtlSeconds ?? 7200;
    this.audience = options.audience ?? 'placeos-sim.local';
  }

  /** Authenticates like rest-api's `authorize!`: API key (header, query, cookie) first, then a bearer token. */
  authenticate(sources: CredentialSources): AuthResult {
    const key =
      header(sources.headers, 'x-api-key') ??
      sources.query.get('api-key') ??
      cookie(sources.headers, 'api-key');
    if (key !== undefined && key !== null) {
      if (key !== this.apiKey) return { ok: false, error: 'unknown X-API-Key' };
      return {
        ok: true,
        principal: {
          permissions: this.apiKeyPermissions,
          claims: this.claims(
            this.keyUserId,
            'API Key User',
            'apikey@example.com',
            this.apiKeyPermissions,
            3600,
          ),
        },
      };
    }
    const token = this.bearerToken(sources);
    if (token === undefined) return { ok: false, error: '' };
    const claims = verifyJwt(token, this.secret);
    const expiresAt = this.accessTokens.get(token);
    if (claims === undefined || expiresAt === undefined)
      return { ok: false, error: 'invalid token' };
    if (Date.now() >= expiresAt) return { ok: false, error: 'token expired' };
    const permissions =
      (Object.keys(PERMISSION_NUMBER) as SimPermissions[]).find(
        (p) => PERMISSION_NUMBER[p] === claims.u.p,
      ) ?? 'user';
    return { ok: true, principal: { permissions, claims } };
  }

  /** Claims for `GET /api_keys/inspect`. */
  inspect(principal: SimPrincipal): UserJwtClaims {
    return principal.claims;
  }

  /** Handles `POST /auth/oauth/token` with the merged query/form/JSON parameters. */
  token(
    params: Map<string, string>,
    basicAuth: { id: string; secret: string } | undefined,
    /** The password grant looks the user up within the Host's authority. */
    authorityFound = true,
  ): TokenEndpointResult {
    const grant = params.get('grant_type');
    if (grant === undefined || grant === '')
      return this.oauthError(400, 'invalid_request', 'Missing required parameter: grant_type.');
    if (grant !== 'password' && grant !== 'refresh_token') {
      return this.oauthError(
        400,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
      );
    }
    const clientId = basicAuth?.id ?? params.get('client_id');
    const clientSecret = basicAuth?.secret ?? params.get('client_secret');
    if (
      clientId !== this.oauthClient.clientId ||
      (clientSecret !== undefined && clientSecret !== this.oauthClient.clientSecret)
    ) {
      return this.oauthError(401, 'invalid_client', INVALID_CLIENT);
    }
    if (grant === 'password') {
      if (clientSecret === undefined) return this.oauthError(401, 'invalid_client', INVALID_CLIENT);
      if (
        !authorityFound ||
        params.get('username') !== this.user.email ||
        params.get('password') !== this.user.password
      ) {
        return this.oauthError(400, 'invalid_grant', INVALID_GRANT);
      }
    } else {
      const refresh = params.get('refresh_token');
      // Refresh tokens are single-use: Doorkeeper rotates them.
      if (refresh === undefined || !this.refreshTokens.delete(refresh))
        return this.oauthError(400, 'invalid_grant', INVALID_GRANT);
    }
    return { status: 200, body: this.issue() };
  }

  /** Expires every access token issued so far (open WebSockets stay open, as in PlaceOS). */
  expireAll(): void {
    for (const token of this.accessTokens.keys()) this.accessTokens.set(token, 0);
  }

  private issue(): Record<string, unknown> {
    const claims = this.claims(
      this.userId,
      'Bridge Service',
      this.user.email,
      this.userPermissions,
      this.ttlSeconds,
    );
    const accessToken = signJwt(claims, this.secret);
    this.accessTokens.set(accessToken, Date.now() + this.ttlSeconds * 1000);
    const refreshToken = randomBytes(32).toString('base64url');
    this.refreshTokens.add(refreshToken);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.ttlSeconds,
      refresh_token: refreshToken,
      scope: 'public',
      created_at: claims.iat,
    };
  }

  private claims(
    sub: string,
    name: string,
    email: string,
    permissions: SimPermissions,
    ttl: number,
  ): UserJwtClaims {
    const iat = Math.floor(Date.now() / 1000);
    return {
      iss: 'POS',
      iat,
      exp: iat + ttl,
      jti: randomUUID(),
      aud: this.audience,
      sub,
      scope: ['public'],
      u: { n: name, e: email, p: PERMISSION_NUMBER[permissions], r: [] },
    };
  }

  private bearerToken(sources: CredentialSources): string | undefined {
    const authz = header(sources.headers, 'authorization');
    if (authz !== undefined) {
      const match = /^(?:Bearer|Token)\s+(\S+)$/i.exec(authz.trim());
      if (match !== null) return match[1];
    }
    return sources.query.get('bearer_token') ?? cookie(sources.headers, 'bearer_token');
  }

  private oauthError(status: number, error: string, description: string): TokenEndpointResult {
    return { status, body: { error, error_description: description } };
  }
}
