import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log object. Values that
 * privacy rules protect never reach the logger above debug, but credentials could ride along
 * in an options object or an error's request config; redaction is the last line of defence.
 */
export const REDACTED_PATHS = [
  'password',
  'secret',
  'apiKey',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.password',
  '*.secret',
  '*.apiKey',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
];

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
