import { describe, expect, it } from 'vitest';
import { placeOsErrorText } from './error-body';

describe('placeOsErrorText', () => {
  it('reads the error text of a PlaceOS error body', () => {
    expect(placeOsErrorText('{"error":"authority not found"}')).toBe('authority not found');
    expect(placeOsErrorText('{"error":"unknown X-API-Key"}')).toBe('unknown X-API-Key');
  });

  it('gives nothing for bodies without a usable error', () => {
    expect(placeOsErrorText('')).toBe(undefined);
    expect(placeOsErrorText('{"error":""}')).toBe(undefined);
    expect(placeOsErrorText('{"error":42}')).toBe(undefined);
    expect(placeOsErrorText('<html>')).toBe(undefined);
    expect(placeOsErrorText('null')).toBe(undefined);
  });

  it('keeps logs clean: control characters removed, length bounded', () => {
    expect(placeOsErrorText('{"error":"bad\\u001b[31m\\nline"}')).toBe('bad[31mline');
    expect(placeOsErrorText(JSON.stringify({ error: 'x'.repeat(500) }))).toHaveLength(120);
  });
});
