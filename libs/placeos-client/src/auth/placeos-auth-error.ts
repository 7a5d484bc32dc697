/** Which credential PlaceOS refused. Never carries the secret itself. */
export type CredentialKind = 'api-key' | 'oauth-token' | 'oauth-password-grant' | 'oauth-refresh';

const DESCRIPTIONS: Record<CredentialKind, string> = {
  'api-key': 'the X-API-Key',
  'oauth-token': 'the OAuth access token',
  'oauth-password-grant': 'the OAuth password grant (username/password/client)',
  'oauth-refresh': 'the OAuth refresh token',
};

// PlaceOS finds its Authority by the request's Host (placeos-api.md §1.1).
const AUTHORITY_HINT =
  " (PlaceOS knows no authority for the Host it was called by: set the Host header override, PLACEOS_HOST_HEADER, to PlaceOS's public domain)";

/** PlaceOS answered 401/403: the credentials are wrong, expired or lack a permission. */
export class PlaceOsAuthError extends Error {
  constructor(
    readonly credential: CredentialKind,
    readonly route: string,
    readonly status: number,
    detail?: string,
  ) {
    super(
      `PlaceOS refused ${DESCRIPTIONS[credential]} with HTTP ${status} on ${route}` +
        (status === 403 ? ' (missing scope or support permission?)' : '') +
        (detail ? `: ${detail}` : '') +
        (detail === 'authority not found' ? AUTHORITY_HINT : ''),
    );
    this.name = 'PlaceOsAuthError';
  }
}

/** PlaceOS answered something unusable (a 5xx, a non-JSON body, a wrong shape). Retryable. */
export class PlaceOsResponseError extends Error {
  constructor(
    readonly route: string,
    readonly status: number,
    detail: string,
  ) {
    super(`PlaceOS ${route} answered HTTP ${status}: ${detail}`);
    this.name = 'PlaceOsResponseError';
  }
}
