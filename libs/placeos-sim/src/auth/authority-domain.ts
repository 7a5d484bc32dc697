/**
 * The hostname of a Host header, as Crystal's `request.hostname` gives it: the port is removed
 * and IPv6 brackets stripped; lowercase, because DNS names are case-insensitive.
 */
export function requestHostname(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const value = host.trim().toLowerCase();
  if (value === '') return undefined;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 0 ? value.slice(1, end) : undefined;
  }
  const colon = value.indexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

/**
 * PlaceOS's `ensure_matching_domain` (placeos-api.md §1.1): the Authority is found by the
 * request's Host. With one authority whose domain is set, any other Host finds none.
 * Unset, the simulator answers for every Host, as if each had an authority.
 */
export function authorityFound(domain: string | undefined, host: string | undefined): boolean {
  if (domain === undefined) return true;
  return requestHostname(host) === domain.toLowerCase();
}

export const AUTHORITY_NOT_FOUND = 'authority not found';
