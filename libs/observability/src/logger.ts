import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object. Values that
 * privacy rules protect never reach the logger above debug, but credentials could ride along
 * in an options object or an error's request config; redaction is the last line of defence.
 */
const SECRET_FIELDS = [
  'password',
  'secret',
  'apiKey',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'sentinelPassword',
  'headers.authorization',
  'headers["x-api-key"]',
];
/** How deep under the logged object a secret field is still caught (`a.b.c.d.password`). */
const REDACTED_DEPTH = 4;

export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) =>
  Array.from({ length: REDACTED_DEPTH + 1 }, (_, depth) => `${'*.'.repeat(depth)}${field}`),
);

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      name: options.name,
      base: { service: options.name ?? 'placeos-mqtt-bridge' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
