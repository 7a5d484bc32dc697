import { describe, expect, it } from 'vitest';
import { parseControlFrame } from './control-frame';

const META = '{"sys":"sys-A~1_b","mod":"Display","index":2,"name":"power"}';

describe('parseControlFrame', () => {
  it('reads success, notify (raw JSON value), error and debug frames as PlaceOS writes them', () => {
    expect(parseControlFrame(`{"id":12,"type":"success","meta":${META}}`)).toEqual({
      kind: 'success',
      id: 12,
    });
    expect(
      parseControlFrame(`{"id":12,"type":"notify","value":{"a":[1,true]},"meta":${META}}`),
    ).toEqual({
      kind: 'notify',
      id: 12,
      json: '{"a":[1,true]}',
      invalidJson: false,
      meta: { sys: 'sys-A~1_b', mod: 'Display', index: 2, name: 'power' },
    });
    expect(
      parseControlFrame(
        '{"id":15,"type":"error","msg":"attempted to access protected module","error_code":2,"code":500}',
      ),
    ).toEqual({
      kind: 'error',
      id: 15,
      errorCode: 2,
      message: 'attempted to access protected module',
      code: 500,
    });
    expect(
      parseControlFrame(
        '{"id":16,"type":"debug","msg":"x","meta":{},"mod":"mod-1","level":"debug"}',
      ),
    ).toEqual({
      kind: 'debug',
      id: 16,
    });
  });

  it('treats a null value as a deletion and the text pong as a heartbeat', () => {
    const frame = parseControlFrame(`{"id":3,"type":"notify","value":null,"meta":${META}}`);
    expect(frame).toMatchObject({ kind: 'notify', json: 'null', invalidJson: false });
    expect(parseControlFrame('pong')).toEqual({ kind: 'pong' });
  });

  it('recovers a notify whose raw value is not JSON, keeping the raw text', () => {
    const frame = parseControlFrame(
      `{"id":7,"type":"notify","value":{broken: "yes",,"meta":${META}}`,
    );
    expect(frame).toEqual({
      kind: 'notify',
      id: 7,
      json: '"{broken: \\"yes\\","',
      invalidJson: true,
      meta: { sys: 'sys-A~1_b', mod: 'Display', index: 2, name: 'power' },
    });
  });

  it('recovers a raw value that itself contains the meta marker', () => {
    const raw = 'oops,"meta":{"x":1} tail';
    const frame = parseControlFrame(`{"id":8,"type":"notify","value":${raw},"meta":${META}}`);
    expect(frame).toMatchObject({
      kind: 'notify',
      id: 8,
      json: JSON.stringify(raw),
      invalidJson: true,
    });
  });

  it('recovers a raw value that breaks the frame into extra fields', () => {
    const raw = '1,"evil":2';
    const frame = parseControlFrame(`{"id":9,"type":"notify","value":${raw},"meta":${META}}`);
    expect(frame).toMatchObject({
      kind: 'notify',
      id: 9,
      json: JSON.stringify(raw),
      invalidJson: true,
    });
  });

  it('keeps the value text as sent: big numbers, decimals, escapes and member order', () => {
    const cases = [
      '12345678901234567891',
      '-9007199254740993',
      '1.10',
      '1e3',
      '{"price":2.50,"2":"second","1":"first"}',
      '"caf\\u00e9 \\"quoted\\""',
      '[1.0,-0,{"a":[]}]',
    ];
    for (const raw of cases) {
      const frame = parseControlFrame(`{"id":5,"type":"notify","value":${raw},"meta":${META}}`);
      expect(frame).toMatchObject({ kind: 'notify', json: raw, invalidJson: false });
    }
  });

  it('compacts whitespace between tokens only, before and inside the value', () => {
    const frame = parseControlFrame(
      `{"id":5,"type":"notify","value": { "a" : [1, 2.50], "s": "x  y" } ,"meta":${META}}`,
    );
    expect(frame).toMatchObject({ json: '{"a":[1,2.50],"s":"x  y"}', invalidJson: false });
  });

  it('classifies junk without throwing', () => {
    expect(parseControlFrame('hello there')).toEqual({ kind: 'not-json' });
    expect(parseControlFrame('')).toEqual({ kind: 'not-json' });
    expect(parseControlFrame('{"id":1,"type":"noti')).toMatchObject({ kind: 'malformed' });
    expect(parseControlFrame('[1,2]')).toMatchObject({ kind: 'malformed' });
    expect(parseControlFrame('{"id":"1","type":"success"}')).toMatchObject({ kind: 'malformed' });
    expect(parseControlFrame('{"id":4,"type":"surprise"}')).toEqual({
      kind: 'unknown-type',
      id: 4,
      type: 'surprise',
    });
    expect(parseControlFrame('{"type":"hello"}')).toEqual({ kind: 'unknown-type', type: 'hello' });
  });

  it('stays linear on a long frame full of meta markers', () => {
    const raw = ',"meta":{'.repeat(20_000);
    const frame = parseControlFrame(`{"id":1,"type":"notify","value":${raw}`);
    expect(frame.kind).toBe('malformed');
  });
});
