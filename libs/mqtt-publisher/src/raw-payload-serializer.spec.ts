import { MqttRecordBuilder } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { RawPayloadSerializer } from './raw-payload-serializer';

describe('RawPayloadSerializer', () => {
  const serializer = new RawPayloadSerializer();

  it('returns the record payload as is, without an envelope', () => {
    const payload = Buffer.from('{"time":1,"value":{"options":1}}');
    const record = new MqttRecordBuilder(payload).setQoS(1).build();
    expect(serializer.serialize({ data: record })).toBe(payload);
    expect(serializer.serialize({ data: 'plain' })).toBe('plain');
  });

  it('serializes other values as JSON', () => {
    expect(serializer.serialize({ data: { a: 1 } })).toBe('{"a":1}');
    expect(serializer.serialize({})).toBe('null');
  });
});
