import type { JsonValue } from '@app/placeos-client';

/** Unit of the payload's `time`: `ms` as the guide says, `s` as upstream sends (`PAYLOAD_TIME_UNIT`). */
export type PayloadTimeUnit = 'ms' | 's';

/**
 * The MQTT payload `{"time":<int>,"value":<compact JSON>}`, byte for byte, `time` first.
 *
 * `value` is the state's JSON value itself (null for a deleted key; a value that was not valid
 * JSON at the source arrives here as a string and is sent as a JSON string). Serialized by
 * JSON.stringify, so: lone surrogates are escaped (`\ud800`), `-0` is written `0` (the same JSON
 * number), non-finite numbers and a top-level `undefined` become `null`. `time` is
 * `Math.floor(receivedAtMs)`, or `Math.floor(receivedAtMs / 1000)` for seconds. Throws an Error
 * for a non-finite time or a value nested too deeply to serialize.
 */
export function encodePayload(
  value: JsonValue,
  receivedAtMs: number,
  unit: PayloadTimeUnit,
): string {
  if (!Number.isFinite(receivedAtMs)) {
    throw new Error(`payload time must be a finite number of milliseconds, got ${receivedAtMs}`);
  }
  const time = unit === 's' ? Math.floor(receivedAtMs / 1000) : Math.floor(receivedAtMs);
  return `{"time":${time},"value":${serializeValue(value)}}`;
}

function serializeValue(value: JsonValue): string {
  try {
    // Typed as string, but undefined for a top-level undefined.
    const text: string | undefined = JSON.stringify(value);
    return text ?? 'null';
  } catch (error) {
    if (error instanceof RangeError) {
      throw new Error('state value is nested too deeply to serialize', { cause: error });
    }
    throw error;
  }
}
