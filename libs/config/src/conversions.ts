import type { TransformFnParams } from 'class-transformer';

/*
 * Environment values are strings. These converters turn well-formed strings into typed values
 * and leave malformed ones untouched, so the validators that follow report them with the
 * original text (class-transformer's implicit conversion would turn "false" into true and
 * "abc" into NaN, hiding the mistake).
 */

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function toBoolean({ value }: TransformFnParams): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return value;
}

export function toInteger({ value }: TransformFnParams): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  if (v === '') return undefined;
  return /^-?\d{1,15}$/.test(v) ? Number(v) : value;
}

export function toTrimmed({ value }: TransformFnParams): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim();
  return v === '' ? undefined : v;
}

/** Space- or comma-separated list. */
export function toList({ value }: TransformFnParams): unknown {
  if (typeof value !== 'string') return value;
  const items = value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length === 0 ? undefined : items;
}
