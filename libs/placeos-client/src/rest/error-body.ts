import type { IncomingMessage } from 'node:http';

const MAX_BODY = 2048;
const MAX_TEXT = 120;

/**
 * The `error` text of a PlaceOS error body (`{"error":"unknown X-API-Key"}`), made safe to log:
 * printable ASCII only, at most 120 characters. Undefined when the body has none.
 */
export function placeOsErrorText(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.slice(0, MAX_BODY));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const error = (parsed as Record<string, unknown>).error;
  if (typeof error !== 'string') return undefined;
  const text = error.replace(/[^\x20-\x7e]/g, '').trim();
  return text === '' ? undefined : text.slice(0, MAX_TEXT);
}

/** Reads at most 2 KB of a refused upgrade's body, then reports its error text once (1 s at most). */
export function readErrorBody(
  response: IncomingMessage,
  done: (detail: string | undefined) => void,
): void {
  let body = '';
  let reported = false;
  const report = (): void => {
    if (reported) return;
    reported = true;
    clearTimeout(timer);
    response.destroy();
    done(placeOsErrorText(body));
  };
  const timer = setTimeout(report, 1000);
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    body += chunk;
    if (body.length >= MAX_BODY) report();
  });
  response.once('end', report);
  response.once('error', report);
  response.once('close', report);
}
