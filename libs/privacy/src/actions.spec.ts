import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from './hmac';
import { DEFAULT_MASK, maskText } from './mask';

describe('hmacSha256Hex', () => {
  it('matches the upstream vectors', () => {
    expect(hmacSha256Hex('s3cr3t', 'alice@example.com')).toBe(
      'ab95b46c56bf1e130a97a04151c226e8916a5b09561edf60d4f91c4a1860f995',
    );
    expect(hmacSha256Hex('secret', 'alice@example.com')).toBe(
      'a398d49ce1980b3642bc4dbd110121e3c953e1eadb497d50dea23e9611f83ee7',
    );
    expect(hmacSha256Hex('s3cr3t', 'bob@example.org')).toBe(
      '965e1ca1c061c1eec007f843b01844b9a320439a25a93f1c756e79b87276882c',
    );
  });

  it('agrees with createHmac for empty, block-sized, long and non-ASCII keys and texts', () => {
    const keys = ['', 'k', 'x'.repeat(64), 'y'.repeat(65), 'z'.repeat(128), 'clé-🔑'];
    const texts = ['', 'a', 'ünïcode 😀', 'q'.repeat(1000), 'é'.repeat(30_000), 'short again'];
    for (const key of keys) {
      for (const text of texts) {
        expect(hmacSha256Hex(key, text)).toBe(
          createHmac('sha256', key).update(text, 'utf8').digest('hex'),
        );
      }
    }
  });
});

describe('maskText', () => {
  const mask = (text: string, options: Partial<typeof DEFAULT_MASK>) =>
    maskText(text, { ...DEFAULT_MASK, ...options });

  it('masks every code point by default', () => {
    expect(mask('secret', {})).toBe('******');
    expect(mask('', {})).toBe('');
  });

  it('keeps the first and last characters asked for', () => {
    expect(mask('0412345678', { keepStart: 2, keepEnd: 3 })).toBe('04*****678');
    expect(mask('abcdef', { keepEnd: 1, char: '#' })).toBe('#####f');
  });

  it('masks everything when the kept characters would cover the text', () => {
    expect(mask('ab', { keepStart: 1, keepEnd: 1 })).toBe('**');
    expect(mask('abc', { keepStart: 5 })).toBe('***');
    expect(mask('abc', { keepStart: 1, keepEnd: 1 })).toBe('a*c');
  });

  it('counts code points, not UTF-16 units (emoji, accents)', () => {
    expect(mask('😀😀😀😀', { keepStart: 1 })).toBe('😀***');
    expect(mask('héllo', { keepEnd: 1 })).toBe('****o');
    expect(mask('abc', { char: '🙈' })).toBe('🙈🙈🙈');
    expect(Array.from(mask('a😀b', {}))).toHaveLength(3);
  });

  it('keeps the domain of an email and masks only the local part', () => {
    expect(mask('alice@example.com', { keepDomain: true, keepStart: 1 })).toBe('a****@example.com');
    expect(mask('a.b+tag@x.org', { keepDomain: true })).toBe('*******@x.org');
    expect(mask('alice@example.com', { keepDomain: false, keepEnd: 4 })).toBe('*************.com');
    expect(mask('no-at-sign', { keepDomain: true })).toBe('**********');
    expect(mask('@handle', { keepDomain: true })).toBe('*******');
  });
});
