/** Unit of the payload's `time`: `ms` as the guide says, `s` as upstream sends (`PAYLOAD_TIME_UNIT`). */
export type PayloadTimeUnit = 'ms' | 's';

/**
 * The MQTT payload `{"time":<int>,"value":<JSON>}`, byte for byte, `time` first.
 *
 * `valueJson` is the state's JSON text as it is to be published (as PlaceOS sent it, compact;
 * `null` for a deleted key), inserted as it is: never parsed and re-serialised here, so numbers
 * beyond 2^53 and decimals such as `1.10` arrive as sent. `time` is `Math.floor(receivedAtMs)`,
 * or `Math.floor(receivedAtMs / 1000)` for seconds. Throws an Error for a non-finite time.
 */
export function encodePayload(
  valueJson: string,
  receivedAtMs: number,
  unit: PayloadTimeUnit,
): string {
  if (!Number.isFinite(receivedAtMs)) {
    throw new Error(`payload time must be a finite number of milliseconds, got ${receivedAtMs}`);
  }
  const time = unit === 's' ? Math.floor(receivedAtMs / 1000) : Math.floor(receivedAtMs);
  return `{"time":${time},"value":${valueJson}}`;
}

/**
 * The JSON text of a value the bridge made itself (a model for metadata, a preview's value):
 * compact, and `null` where JSON.stringify gives nothing. Throws an Error for a value nested
 * too deeply to serialize.
 */
export function jsonTextOfValue(value: unknown): string {
  try {
    const text: string | undefined = JSON.stringify(value);
    return text ?? 'null';
  } catch (error) {
    if (error instanceof RangeError) {
      throw new Error('value is nested too deeply to serialize', { cause: error });
    }
    throw error;
  }
}
