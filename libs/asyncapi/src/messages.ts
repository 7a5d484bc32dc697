/** Reusable messages and payload schemas of the bridge's topics (AsyncAPI `components`). */
export function messageComponents(timeUnit: 'ms' | 's'): Record<string, unknown> {
  const time =
    timeUnit === 'ms'
      ? { unit: 'milliseconds', example: 1732500000123 }
      : { unit: 'seconds (PAYLOAD_TIME_UNIT=s, as PlaceOS/source)', example: 1732500000 };
  const envelope = (value: Record<string, unknown>) => ({
    type: 'object',
    required: ['time', 'value'],
    additionalProperties: false,
    // The bridge writes `time` first and the JSON compact: consumers may rely on the bytes.
    properties: {
      time: {
        type: 'integer',
        minimum: 0,
        description: `When the bridge received the change, as unix ${time.unit}.`,
      },
      value,
    },
  });
  return {
    schemas: {
      StatePayload: envelope({
        description:
          'The state value as the JSON PlaceOS sent (numbers and decimals as sent), after the ' +
          "broker's privacy rules; `null` when the status key was deleted. A value PlaceOS sent " +
          'that was not valid JSON is a JSON string.',
      }),
      MetadataPayload: envelope({
        type: 'object',
        description:
          'The model (zone, system or driver) as the PlaceOS API returns it, after privacy rules.',
      }),
      ClearedPayload: {
        type: 'string',
        maxLength: 0,
        description: 'Zero bytes: the retained message is removed.',
      },
      StatusPayload: { type: 'string', enum: ['online', 'offline'] },
    },
    messages: {
      State: {
        name: 'State',
        title: 'State value',
        contentType: 'application/json',
        payload: { $ref: '#/components/schemas/StatePayload' },
        examples: [
          { name: 'power', payload: { time: time.example, value: true } },
          { name: 'deleted key', payload: { time: time.example, value: null } },
        ],
      },
      Metadata: {
        name: 'Metadata',
        title: 'Model metadata',
        contentType: 'application/json',
        payload: { $ref: '#/components/schemas/MetadataPayload' },
      },
      Cleared: {
        name: 'Cleared',
        title: 'Topic cleared',
        summary:
          'A zero-length retained payload: the topic no longer exists (module renamed, re-ordered ' +
          'or removed, system re-zoned or deleted, model deleted) or a drop rule now hides it.',
        contentType: 'application/octet-stream',
        payload: { $ref: '#/components/schemas/ClearedPayload' },
      },
      Status: {
        name: 'Status',
        title: 'Bridge status',
        summary:
          '`online` on every (re)connection; `offline` on a graceful stop and as the Last Will.',
        contentType: 'text/plain',
        payload: { $ref: '#/components/schemas/StatusPayload' },
        examples: [{ name: 'online', payload: 'online' }],
      },
    },
  };
}
