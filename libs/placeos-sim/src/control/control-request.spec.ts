import { describe, expect, it } from 'vitest';
import { parseControlRequest } from './control-request';
import { encodeControlResponse, encodeMeta } from './control-response';

const base = { id: 1, cmd: 'bind', sys: 'sys-1', mod: 'Display', index: 2, name: 'power' };

describe('parseControlRequest', () => {
  it('accepts a complete request and defaults index to 1', () => {
    expect(parseControlRequest(JSON.stringify(base))).toEqual({ ...base, cmd: 'bind' });
    const { index: _index, ...noIndex } = base;
    expect(parseControlRequest(JSON.stringify(noIndex))?.index).toBe(1);
  });

  it('parses the command case-insensitively and keeps args', () => {
    expect(
      parseControlRequest(JSON.stringify({ ...base, cmd: 'EXEC', args: [true, 2] })),
    ).toMatchObject({ cmd: 'exec', args: [true, 2] });
  });

  it.each([
    ['string id', { ...base, id: '1' }],
    ['fractional id', { ...base, id: 1.5 }],
    ['unknown key', { ...base, extra: true }],
    ['unknown cmd', { ...base, cmd: 'subscribe' }],
    ['missing sys', { id: 1, cmd: 'bind', mod: 'Display', name: 'power' }],
    ['missing name for unbind', { id: 1, cmd: 'unbind', sys: 's', mod: 'Display' }],
    ['string index', { ...base, index: '1' }],
    ['args not an array', { ...base, args: 'x' }],
    ['array frame', [base]],
  ])('drops a request with %s', (_label, frame) => {
    expect(parseControlRequest(JSON.stringify(frame))).toBeUndefined();
  });

  it('drops ids and indexes written as non-integer number tokens', () => {
    expect(
      parseControlRequest('{"id":1.0,"cmd":"bind","sys":"s","mod":"m","name":"n"}'),
    ).toBeUndefined();
    expect(
      parseControlRequest('{"id":1e2,"cmd":"bind","sys":"s","mod":"m","name":"n"}'),
    ).toBeUndefined();
    expect(
      parseControlRequest('{"id":1,"cmd":"bind","sys":"s","mod":"m","name":"n","index":2.0}'),
    ).toBeUndefined();
    // Nested or quoted look-alikes do not count.
    expect(
      parseControlRequest(
        '{"id":5,"cmd":"exec","sys":"s\\"id\\":1.5","mod":"m","name":"n","args":[{"id":1.5}]}',
      ),
    ).toMatchObject({ id: 5, sys: 's"id":1.5' });
  });

  it('drops text that is not JSON', () => {
    expect(parseControlRequest('hello')).toBeUndefined();
  });
});

describe('encodeControlResponse', () => {
  it('writes fields in rest-api order and omits nil ones', () => {
    const text = encodeControlResponse({
      id: 3,
      type: 'error',
      code: 500,
      errorCode: 2,
      msg: 'denied',
    });
    expect(text).toBe('{"id":3,"type":"error","msg":"denied","error_code":2,"code":500}');
    expect(Object.keys(JSON.parse(text))).toEqual(['id', 'type', 'msg', 'error_code', 'code']);
  });

  it('inserts the raw value and meta verbatim', () => {
    const text = encodeControlResponse({
      id: 4,
      type: 'notify',
      value: '{"a": [1, 2]}',
      meta: encodeMeta('s', 'A/V', 1, 'k'),
    });
    expect(text).toBe(
      '{"id":4,"type":"notify","value":{"a": [1, 2]},"meta":{"sys":"s","mod":"A/V","index":1,"name":"k"}}',
    );
  });
});
