import type { JsonObject, JsonValue } from '@app/json';
import { RULE_LIMITS } from './limits';

/** Rewrites one leaf's text; returning the same string means "unchanged". */
export type LeafEdit = (text: string) => string;

/** Thrown when a value nests deeper than RULE_LIMITS.valueDepth; the rule set then fails closed. */
export class ValueTooDeepError extends Error {
  constructor() {
    super(`value nests deeper than ${RULE_LIMITS.valueDepth} levels`);
  }
}

/** Checks nesting depth before descending. */
export function enter(depth: number): number {
  if (depth >= RULE_LIMITS.valueDepth) throw new ValueTooDeepError();
  return depth + 1;
}

/** Sets a member on a copied object, also for `__proto__` (which `=` would treat as the prototype). */
export function setMember(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** Applies `edit` to every string leaf, copying only the containers on changed paths. */
export function mapStringLeaves(value: JsonValue, edit: LeafEdit, depth = 0): JsonValue {
  if (typeof value === 'string') return edit(value);
  if (value === null || typeof value !== 'object') return value;
  const next = enter(depth);
  return mapChildren(value, (child) => mapStringLeaves(child, edit, next));
}

/**
 * Copy-on-write over a container's children: `map` gives each child's value (the same one when
 * it leaves the child alone), and only a container with a changed child is copied. Every walker
 * that rewrites JSON goes through here.
 */
export function mapChildren(
  value: JsonValue[] | JsonObject,
  map: (child: JsonValue, key: number | string) => JsonValue,
): JsonValue {
  if (Array.isArray(value)) {
    let copy: JsonValue[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const child = value[i];
      const mapped = map(child, i);
      if (!Object.is(mapped, child)) {
        copy ??= value.slice();
        copy[i] = mapped;
      }
    }
    return copy ?? value;
  }
  let copy: JsonObject | undefined;
  for (const key of Object.keys(value)) {
    const child = value[key];
    const mapped = map(child, key);
    if (!Object.is(mapped, child)) {
      copy ??= { ...value };
      setMember(copy, key, mapped);
    }
  }
  return copy ?? value;
}

/** Collects every string leaf in document order. */
export function collectStringLeaves(value: JsonValue, out: string[], depth = 0): string[] {
  if (typeof value === 'string') {
    out.push(value);
  } else if (value !== null && typeof value === 'object') {
    const next = enter(depth);
    if (Array.isArray(value)) for (const child of value) collectStringLeaves(child, out, next);
    else for (const key of Object.keys(value)) collectStringLeaves(value[key], out, next);
  }
  return out;
}

/** True when some string leaf satisfies `test`. */
export function someStringLeaf(
  value: JsonValue,
  test: (text: string) => boolean,
  depth = 0,
): boolean {
  if (typeof value === 'string') return test(value);
  if (value === null || typeof value !== 'object') return false;
  const next = enter(depth);
  if (Array.isArray(value)) return value.some((child) => someStringLeaf(child, test, next));
  for (const key of Object.keys(value)) {
    if (someStringLeaf(value[key], test, next)) return true;
  }
  return false;
}

/** Structural equality of two JSON values (member order ignored). */
export function jsonEqual(a: JsonValue, b: JsonValue, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const next = enter(depth);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((child, i) => jsonEqual(child, b[i], next));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key], next));
}
