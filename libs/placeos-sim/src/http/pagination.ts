/** `limit`/`offset` after rest-api's clamping. */
export interface PageParams {
  limit: number;
  offset: number;
}

function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query.get(name);
  if (raw === null || !/^-?\d{1,12}$/.test(raw.trim())) return fallback;
  return Math.min(max, Math.max(min, Number(raw.trim())));
}

/** `limit` defaults to 100 and is clamped to 0..10000; `offset` to 0..1000000. */
export function pageParams(query: URLSearchParams): PageParams {
  return {
    limit: intParam(query, 'limit', 100, 0, 10_000),
    offset: intParam(query, 'offset', 0, 0, 1_000_000),
  };
}

/** A page plus rest-api's headers (`X-Total-Count`, `Content-Range`, relative `Link` rel="next"). */
export function paginate<T>(
  items: readonly T[],
  query: URLSearchParams,
  table: string,
  basePath: string,
): { page: T[]; headers: Record<string, string> } {
  const { limit, offset } = pageParams(query);
  const total = items.length;
  const page = items.slice(offset, offset + limit);
  const headers: Record<string, string> = {
    'X-Total-Count': String(total),
    'Content-Range': `${table} ${offset}-${offset + page.length}/${total}`,
  };
  if (page.length > 0 && offset + page.length < total) {
    const next = new URLSearchParams(query);
    next.delete('offset');
    next.delete('limit');
    next.set('offset', String(offset + page.length));
    next.set('limit', String(limit));
    headers.Link = `<${basePath}?${next.toString()}>; rel="next"`;
  }
  return { page, headers };
}

/** Headers of a route that is not paginated: `Content-Range: <table> 0-<n-1>/<n>`. */
export function unpaginatedHeaders(table: string, count: number): Record<string, string> {
  return { 'X-Total-Count': String(count), 'Content-Range': `${table} 0-${count - 1}/${count}` };
}

function trimTrailingStars(term: string): string {
  let end = term.length;
  while (end > 0 && term.charCodeAt(end - 1) === 42) end -= 1;
  return term.slice(0, end);
}

/**
 * rest-api's `q` (a full-text prefix match): every whitespace-separated term must prefix some word of
 * the searchable text. `*` or empty matches everything.
 */
export function matchesQuery(q: string | null, ...fields: (string | undefined)[]): boolean {
  if (q === null) return true;
  const terms = q
    .toLowerCase()
    .split(/\s+/)
    .map(trimTrailingStars)
    .filter((t) => t !== '');
  if (terms.length === 0) return true;
  const words = fields
    .filter((f): f is string => f !== undefined)
    .join(' ')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u);
  return terms.every((t) => words.some((w) => w.startsWith(t)));
}
