import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatestValueOutbox } from './latest-value-outbox';

const buf = (text: string) => Buffer.from(text);

describe('LatestValueOutbox', () => {
  it('keeps insertion order and replaces a waiting value in place', () => {
    const outbox = new LatestValueOutbox(10);
    outbox.put('a', buf('a1'));
    outbox.put('b', buf('b1'));
    expect(outbox.put('a', buf('a2'))).toBe('replaced');
    expect(outbox.topics()).toEqual(['a', 'b']);
    expect(outbox.shift()).toEqual({ topic: 'a', payload: buf('a2') });
    expect(outbox.shift()).toEqual({ topic: 'b', payload: buf('b1') });
    expect(outbox.shift()).toBeUndefined();
    expect(outbox.size).toBe(0);
  });

  it('refuses new topics beyond the bound unless told otherwise', () => {
    const outbox = new LatestValueOutbox(2);
    expect(outbox.put('a', buf('1'))).toBe('added');
    expect(outbox.put('b', buf('1'))).toBe('added');
    expect(outbox.put('c', buf('1'))).toBe('overflow');
    expect(outbox.put('a', buf('2'))).toBe('replaced');
    expect(outbox.put('c', buf('1'), true)).toBe('added');
    expect(outbox.size).toBe(3);
  });

  it('puts a failed message back at the front unless a newer value waits', () => {
    const outbox = new LatestValueOutbox(10);
    outbox.put('a', buf('a2'));
    outbox.put('b', buf('b1'));
    expect(outbox.putBack('a', buf('a1'))).toBe(false);
    expect(outbox.putBack('c', buf('c1'))).toBe(true);
    expect(outbox.topics()).toEqual(['c', 'a', 'b']);
    expect(outbox.shift()?.payload).toEqual(buf('c1'));
    expect(outbox.shift()?.payload).toEqual(buf('a2'));
  });

  it('behaves like a map of latest values in first-insertion order (model check)', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('put' as const),
        topic: fc.constantFrom('a', 'b', 'c', 'd'),
        value: fc.nat(99),
      }),
      fc.record({ kind: fc.constant('shift' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const outbox = new LatestValueOutbox(1000);
        const model = new Map<string, string>();
        for (const o of ops) {
          if (o.kind === 'put') {
            outbox.put(o.topic, buf(String(o.value)));
            model.set(o.topic, String(o.value));
          } else {
            const first = model.entries().next();
            const got = outbox.shift();
            if (first.done) expect(got).toBeUndefined();
            else {
              expect(got).toEqual({ topic: first.value[0], payload: buf(first.value[1]) });
              model.delete(first.value[0]);
            }
          }
          expect(outbox.topics()).toEqual([...model.keys()]);
        }
      }),
    );
  });
});
