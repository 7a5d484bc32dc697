/**
 * The URL with its password replaced by `***`, safe for logs and error messages. An unparseable
 * URL is not echoed at all: it could be a password pasted in the wrong place.
 */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // The password can also hide in the query string (libpq accepts ?password=...).
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return '[unparseable database URL]';
  }
}

/** Removes every occurrence of `secret` from a text that may quote it (a driver error message). */
export function scrubSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('***');
}
