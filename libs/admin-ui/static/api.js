// The admin token lives in this tab's session storage only: it never goes into a URL, a cookie
// or local storage, and it leaves the page only as an Authorization header.

const TOKEN_KEY = 'placeos-bridge-admin-token';
// Relative to /admin/, so the page also works behind a reverse proxy's path prefix.
const API_ROOT = '../api/v1';

/** A refused request: its status and the API's messages (Nest's error shape). */
export class ApiError extends Error {
  constructor(status, body) {
    const messages = Array.isArray(body?.message)
      ? body.message.map(String)
      : [String(body?.message ?? `HTTP ${status}`)];
    super(messages.join('; '));
    this.status = status;
    this.messages = messages;
    this.body = body;
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

let onUnauthorized = () => {};

/** What to do when the bridge refuses the token (e.g. it was rotated): sign out. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * Calls the admin API with the stored token. Resolves with the parsed JSON body (undefined for
 * 204), rejects with an ApiError for any non-2xx answer.
 */
export async function api(method, path, { body, version, bearer = token.get() } = {}) {
  const headers = { Authorization: `Bearer ${bearer}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (version !== undefined) headers['If-Match'] = `"${version}"`;
  const response = await fetch(`${API_ROOT}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) {
    if (response.status === 401 && bearer === token.get()) onUnauthorized();
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}

/**
 * Which optional parts of the admin API this bridge has, read from its OpenAPI document (public,
 * like the page) rather than by probing: a probe that 404s shows up as an error in the browser
 * console, and the document already lists every route.
 */
export async function detectFeatures() {
  const features = {
    topics: false,
    findings: false,
    subjects: false,
    impact: false,
    detectors: ['email', 'uuid', 'phone', 'ipv4', 'placeos_user_id'],
  };
  try {
    const response = await fetch('../api/docs-json', { cache: 'no-store' });
    if (!response.ok) return features;
    const doc = await response.json();
    const paths = doc?.paths ?? {};
    features.topics = Boolean(paths['/api/v1/topics']?.get);
    features.findings = Boolean(paths['/api/v1/findings']?.get);
    features.subjects = Boolean(paths['/api/v1/subjects']?.get);
    features.impact = Boolean(paths['/api/v1/rules/impact']?.post);
    const detectors = doc?.components?.schemas?.RuleMatchDto?.properties?.detector?.enum;
    if (Array.isArray(detectors) && detectors.length > 0) features.detectors = detectors;
  } catch {
    // Without the document the page still manages rules; the optional panels stay hidden.
  }
  return features;
}
