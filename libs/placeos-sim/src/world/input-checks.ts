import { SimInputError } from './sim-errors';

/** `value` as a non-empty string, else a `SimInputError` naming `what`. */
export function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '')
    throw new SimInputError(`${what} must be a non-empty string`);
  return value;
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
