import { describe, expect, it } from 'vitest';
import { bodyProblem, MAX_BODY_DEPTH } from './json-body.guard';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
}

describe('bodyProblem', () => {
  it('accepts ordinary JSON bodies, null and primitives', () => {
    expect(bodyProblem({ name: 'x', match: { detector: 'email' }, keys: ['a.b'] })).toBeUndefined();
    expect(bodyProblem([{ a: [1, 2, { b: null }] }])).toBeUndefined();
    expect(bodyProblem(undefined)).toBeUndefined();
    expect(bodyProblem(nested(MAX_BODY_DEPTH - 1))).toBeUndefined();
  });

  it('refuses bodies nested deeper than the limit, however deep, without recursion', () => {
    expect(bodyProblem(nested(MAX_BODY_DEPTH + 1))).toMatch(/nested deeper/);
    expect(bodyProblem(nested(200_000))).toMatch(/nested deeper/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s at any depth', (key) => {
    const top = JSON.parse(`{"${key}": {"x": 1}}`) as unknown;
    const deep = JSON.parse(`{"rules": [{"mask": {"${key}": 1}}]}`) as unknown;
    expect(bodyProblem(top)).toBe(`body must not contain the key "${key}"`);
    expect(bodyProblem(deep)).toBe(`body.rules[0].mask must not contain the key "${key}"`);
  });
});
