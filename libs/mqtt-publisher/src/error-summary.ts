const MAX_LENGTH = 200;
// User info in a URL (`//user:pass@`); the class excludes `/` and `@`, so matching is linear.
const URL_USERINFO = /\/\/[^/@\s]*@/g;

/**
 * A short, single-line description of an error for `lastError` and logs. Known secrets and
 * URL credentials are masked, so a library error that echoes its options cannot leak them.
 */
export function summarizeError(error: unknown, secrets: readonly string[] = []): string {
  let text: string;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const prefix = typeof code === 'string' && !error.message.includes(code) ? `${code}: ` : '';
    text = `${prefix}${error.message}`;
  } else {
    text = typeof error === 'string' ? error : 'unknown error';
  }
  for (const secret of secrets) {
    if (secret.length > 0) text = text.split(secret).join('***');
  }
  text = text.replace(URL_USERINFO, '//***@').replace(/\s+/g, ' ').trim();
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}

/** The URL without user info, for status and logs. */
export function urlWithoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    const text = parsed.toString();
    return text.endsWith('/') && !url.endsWith('/') ? text.slice(0, -1) : text;
  } catch {
    return url.replace(URL_USERINFO, '//');
  }
}
