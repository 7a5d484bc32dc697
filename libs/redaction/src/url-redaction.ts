/** Query parameters that carry secrets in the URLs the bridge takes (libpq, Sentinel, tokens). */
const SECRET_PARAMETER = /pass|secret|token|key|auth/i;
/** `//user:password@` (or `//user@`) in free text. Linear: each class stops at its terminator. */
const USERINFO_IN_TEXT = /\/\/[^/@\s]*@/g;
const MASK = '***';

/**
 * The URL without user info, and with the value of every query parameter that looks like a
 * secret (`?password=`, `?sslpassword=`, `sentinelPassword`, tokens, keys) replaced by `***`:
 * what logs, status routes and error messages may show of a URL. Text that does not parse as a
 * URL is not echoed: it could be a password pasted in the wrong place.
 */
export function urlWithoutCredentials(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[unparseable URL]';
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMETER.test(name)) parsed.searchParams.set(name, MASK);
  }
  const text = parsed.toString().replace(/%2A%2A%2A/g, MASK);
  // URL adds a `/` to an origin; keep the text as written.
  return text.endsWith('/') && !url.endsWith('/') ? text.slice(0, -1) : text;
}

/**
 * The secrets a URL carries, as they may show up in an error message: its password (as written
 * and decoded) and the values of secret-looking query parameters.
 */
export function secretsOfUrl(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const secrets = new Set<string>();
  if (parsed.password) {
    secrets.add(parsed.password);
    secrets.add(safeDecode(parsed.password));
  }
  for (const [name, value] of parsed.searchParams) {
    if (SECRET_PARAMETER.test(name) && value) secrets.add(value);
  }
  return [...secrets].filter((secret) => secret.length > 0);
}

/**
 * `text` (an error message, a log line) with every given secret replaced by `***`, and any user
 * info of a URL it quotes (`//user:password@`) too.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out.replace(USERINFO_IN_TEXT, `//${MASK}@`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
