import fc from 'fast-check';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import type { DetectorName } from './privacy-rule';
import { PHONE_PATTERN, detectorMatcher } from './detectors';
import { isWholePhone } from './scanners';
import { scanWithRe2 } from './text-matcher';

function findAll(detector: DetectorName, text: string): string[] {
  const matcher = detectorMatcher(detector);
  if (!matcher) throw new Error(`no detector ${detector}`);
  const found: string[] = [];
  matcher.scan(text, (start, end) => {
    found.push(text.slice(start, end));
    return true;
  });
  return found;
}

describe('detectors', () => {
  it('knows exactly the documented names', () => {
    expect(detectorMatcher('email')).toBeDefined();
    expect(detectorMatcher('toString')).toBeUndefined();
    expect(detectorMatcher('credit_card')).toBeUndefined();
  });

  describe('email', () => {
    it.each([
      ['alice@example.com', ['alice@example.com']],
      [
        'Meeting with alice.smith+work@mail.example.co.uk today',
        ['alice.smith+work@mail.example.co.uk'],
      ],
      ['mailto:bob@example.org.', ['bob@example.org']],
      ['<Carol_O-Neil@Sub.Example.COM>, dan@x.io', ['Carol_O-Neil@Sub.Example.COM', 'dan@x.io']],
      ['/users/eve%40@example.net/profile', ['eve%40@example.net']],
      ['a@b.co@c.org', ['a@b.co']],
      ["'o'brien@example.ie' and ?to=x!y#z@q.com&a=1", ["o'brien@example.ie", 'x!y#z@q.com']],
      ['{{user}}=.dot.@example.com', ['dot.@example.com']],
      ['"frank@example.com-"', ['frank@example.com']],
      ['ünïcode gina@example.com 😀', ['gina@example.com']],
    ])('finds emails in %j', (text, expected) => {
      expect(findAll('email', text)).toEqual(expected);
    });

    it.each([
      'alice@localhost',
      '@example.com',
      'alice@',
      'alice@example.c',
      'alice@example.com2',
      'alice@-example.com',
      'alice@example..com',
      'version 1.2.3',
      'no at sign here.com',
      'a @ b.com',
    ])('finds nothing in %j', (text) => {
      expect(findAll('email', text)).toEqual([]);
    });
  });

  describe('uuid', () => {
    it.each([
      ['123e4567-e89b-12d3-a456-426614174000', ['123e4567-e89b-12d3-a456-426614174000']],
      [
        'booking-123E4567-E89B-12D3-A456-426614174000 and {00000000-0000-0000-0000-000000000000}',
        ['123E4567-E89B-12D3-A456-426614174000', '00000000-0000-0000-0000-000000000000'],
      ],
    ])('finds uuids in %j', (text, expected) => {
      expect(findAll('uuid', text)).toEqual(expected);
    });

    it.each([
      '123e4567-e89b-12d3-a456-42661417400',
      'x123e4567-e89b-12d3-a456-426614174000',
      '123e4567-e89b-12d3-a456-4266141740001',
      '123e4567-e89b-12d3-a456_426614174000',
      'g23e4567-e89b-12d3-a456-426614174000',
      '2024-11-25-1030-000000000000',
    ])('finds nothing in %j', (text) => {
      expect(findAll('uuid', text)).toEqual([]);
    });
  });

  describe('ipv4', () => {
    it.each([
      ['10.0.0.1', ['10.0.0.1']],
      ['host 192.168.100.200:8080 and 255.255.255.255.', ['192.168.100.200', '255.255.255.255']],
      ['(0.0.0.0)', ['0.0.0.0']],
    ])('finds addresses in %j', (text, expected) => {
      expect(findAll('ipv4', text)).toEqual(expected);
    });

    it.each([
      '1.2.3',
      'v1.2.3.4',
      '1.2.3.4.5',
      '256.1.1.1',
      '10.01.0.1',
      '1.2.3.4a',
      '1732500000123',
      '1.2.3.4444',
      'a1.2.3.4',
    ])('finds nothing in %j', (text) => {
      expect(findAll('ipv4', text)).toEqual([]);
    });
  });

  describe('phone', () => {
    it.each([
      ['+61 2 9876 5432', ['+61 2 9876 5432']],
      ['call +1 (555) 123-4567 now', ['+1 (555) 123-4567']],
      ['+442079460958', ['+442079460958']],
      ['tel:+1-555-123-4567.', ['+1-555-123-4567']],
      ['office (02) 9876 5432, mobile 0412 345 678', ['(02) 9876 5432', '0412 345 678']],
      ['US 555-123-4567 or 555.123.4567', ['555-123-4567', '555.123.4567']],
      ['room 12 555-123-4567', ['555-123-4567']],
    ])('finds numbers in %j', (text, expected) => {
      expect(findAll('phone', text)).toEqual(expected);
    });

    it('skips the engine only for strings where it would find nothing', () => {
      const re = new RE2(PHONE_PATTERN, 'gu');
      const token = fc.constantFrom(
        ...[
          '+',
          '61',
          ' ',
          '2',
          '9876',
          '-',
          '5432',
          '(02)',
          '555',
          '.',
          '123',
          '4567',
          'a',
          ':',
          '1',
          '0412',
        ],
      );
      const phoneish = fc.array(token, { maxLength: 12 }).map((tokens) => tokens.join(''));
      fc.assert(
        fc.property(phoneish, (text) => {
          const direct: string[] = [];
          scanWithRe2(
            re,
            text,
            (start, end) => direct.push(text.slice(start, end)) > 0,
            isWholePhone,
          );
          expect(findAll('phone', text)).toEqual(direct);
        }),
        { numRuns: 3000 },
      );
    });

    it.each([
      '1732500000123',
      '1732500000',
      'timestamp 1732500000123 ms',
      '1.2.3',
      'version 10.20.30.40',
      '192.168.100.200',
      '2024-11-25',
      '2024-11-25T10:30:00.123+10:00',
      '123e4567-e89b-12d3-a456-426614174000',
      '12345678-1234-1234-1234-123456789012',
      '101-202-303',
      '+1.2.3',
      'level 3, 42 people',
      'abc555-123-4567',
    ])('finds nothing in %j', (text) => {
      expect(findAll('phone', text)).toEqual([]);
    });
  });

  describe('placeos_user_id', () => {
    it.each([
      ['user-G0f6Jj5r2Q', ['user-G0f6Jj5r2Q']],
      ['booked by user-a1b2c3d4e5, sub user-~x_y-z12ab', ['user-a1b2c3d4e5', 'user-~x_y-z12ab']],
      ['{"sub":"user-XXXXXXXXXX"}', ['user-XXXXXXXXXX']],
    ])('finds ids in %j', (text, expected) => {
      expect(findAll('placeos_user_id', text)).toEqual(expected);
    });

    it.each([
      'user-management',
      'user-settings',
      'user-abc',
      'super-user-G0f6Jj5r2Qxyzwvutsrq',
      'myuser-G0f6Jj5r2Q',
      'sys-G0f6Jj5r2Q',
      'USER-G0f6Jj5r2Q',
    ])('finds nothing in %j', (text) => {
      expect(findAll('placeos_user_id', text)).toEqual([]);
    });
  });

  it('never rules out a joined text whose leaves contain a match', () => {
    const token = fc.constantFrom(
      ...[
        'a',
        'b@',
        '@x',
        '.co',
        '.io',
        '-',
        '1',
        '12',
        '123',
        '255',
        '.',
        ' ',
        '+',
        '+61',
        '(02)',
      ],
      ...['user-', 'G0f6Jj5r2Q', '0000', 'e89b', '123e4567', '426614174000', '9876', '\n', '😀'],
    );
    const leaf = fc.array(token, { maxLength: 14 }).map((tokens) => tokens.join(''));
    let withMatches = 0;
    fc.assert(
      fc.property(fc.array(leaf, { minLength: 1, maxLength: 5 }), (leaves) => {
        const joined = leaves.join('\n');
        for (const name of ['email', 'uuid', 'phone', 'ipv4', 'placeos_user_id'] as const) {
          const matcher = detectorMatcher(name)!;
          if (leaves.some((text) => findAll(name, text).length > 0)) {
            withMatches++;
            expect(matcher.mayMatchIn?.(joined)).toBe(true);
          }
        }
      }),
      { numRuns: 3000 },
    );
    expect(withMatches).toBeGreaterThan(100);
  });

  it('scans long adversarial inputs in linear time', () => {
    const inputs = [
      'a'.repeat(50_000) + '@',
      'a@'.repeat(25_000),
      'a.'.repeat(25_000) + '@' + 'b.'.repeat(25_000),
      '1.'.repeat(25_000),
      '1-'.repeat(25_000),
      'user-'.repeat(10_000),
      '0'.repeat(8) + '-0000'.repeat(10_000),
      '+1 '.repeat(17_000),
      '12 345 678 '.repeat(5_000),
    ];
    const started = Date.now();
    for (const text of inputs) {
      for (const detector of ['email', 'uuid', 'phone', 'ipv4', 'placeos_user_id'] as const) {
        findAll(detector, text);
      }
    }
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
