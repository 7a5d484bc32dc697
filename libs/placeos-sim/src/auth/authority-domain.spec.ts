import { describe, expect, it } from 'vitest';
import { authorityFound, requestHostname } from './authority-domain';

describe('authority domain', () => {
  it('reads the hostname of a Host header without port or brackets, lowercased', () => {
    expect(requestHostname('PlaceOS.Example.com:8443')).toBe('placeos.example.com');
    expect(requestHostname('placeos.example.com')).toBe('placeos.example.com');
    expect(requestHostname('[::1]:3000')).toBe('::1');
    expect(requestHostname('[::1')).toBe(undefined);
    expect(requestHostname('')).toBe(undefined);
    expect(requestHostname(undefined)).toBe(undefined);
  });

  it('finds the authority only by its domain when one is set', () => {
    expect(authorityFound('placeos.example.com', 'placeos.example.com:443')).toBe(true);
    expect(authorityFound('placeos.example.com', '127.0.0.1:8085')).toBe(false);
    expect(authorityFound('placeos.example.com', undefined)).toBe(false);
    expect(authorityFound(undefined, '127.0.0.1:8085')).toBe(true);
  });
});
