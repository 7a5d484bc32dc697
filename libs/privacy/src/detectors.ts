import RE2 from 're2';
import type { DetectorName } from './privacy-rule';
import {
  isDigit,
  isWordChar,
  scanEmails,
  scanIpv4,
  scanPlaceOsUserIds,
  scanUuids,
  type Scanner,
} from './scanners';
import { scanWithRe2, type TextMatcher } from './text-matcher';

/** A detector backed by a hand-written linear scanner. */
class ScannerDetector implements TextMatcher {
  constructor(readonly scan: Scanner) {}
}

/**
 * Phone numbers need a leading `+` (8–15 digits, E.164) or national grouping with separators
 * (10–12 digits, e.g. `(02) 9876 5432`, `555-123-4567`, `555.123.4567`), so plain integers,
 * timestamps, versions, dates and IP addresses do not match. RE2 finds candidates (linear time)
 * after a cheap pre-check; a context check stands in for the lookaround RE2 lacks.
 */
class PhoneDetector implements TextMatcher {
  private readonly re = new RE2(
    [
      '\\+[0-9]{1,3}(?:[ .-]?(?:\\([0-9]{1,4}\\)|[0-9]{1,5})){2,6}',
      '\\(?[0-9]{2,4}\\)?[ -][0-9]{3,4}[ -][0-9]{3,4}',
      '[0-9]{3}\\.[0-9]{3}\\.[0-9]{4}',
    ].join('|'),
    'gu',
  );

  scan(text: string, visit: (start: number, end: number) => boolean): void {
    if (mayContainPhone(text)) scanWithRe2(this.re, text, visit, isWholePhone);
  }
}

/** Necessary condition: at least 8 digits and a `+`, space, `-` or `.` somewhere. */
function mayContainPhone(text: string): boolean {
  let digits = 0;
  let separators = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isDigit(code)) digits++;
    else if (code === 43 || code === 32 || code === 45 || code === 46) separators = true;
    if (digits >= 8 && separators) return true;
  }
  return false;
}

function isWholePhone(text: string, start: number, end: number): boolean {
  const before = text.charCodeAt(start - 1);
  if (isWordChar(before) || before === 43) return false;
  if (before === 46 && isDigit(text.charCodeAt(start - 2))) return false;
  const after = text.charCodeAt(end);
  if (isWordChar(after)) return false;
  if ((after === 46 || after === 45) && isDigit(text.charCodeAt(end + 1))) return false;
  let digits = 0;
  for (let i = start; i < end; i++) if (isDigit(text.charCodeAt(i))) digits++;
  return text.charCodeAt(start) === 43 ? digits >= 8 && digits <= 15 : digits >= 10 && digits <= 12;
}

const DETECTORS: Readonly<Record<DetectorName, TextMatcher>> = {
  email: new ScannerDetector(scanEmails),
  uuid: new ScannerDetector(scanUuids),
  phone: new PhoneDetector(),
  ipv4: new ScannerDetector(scanIpv4),
  placeos_user_id: new ScannerDetector(scanPlaceOsUserIds),
};

/** The matcher for a built-in detector name, or undefined for an unknown name. */
export function detectorMatcher(name: string): TextMatcher | undefined {
  return Object.hasOwn(DETECTORS, name) ? DETECTORS[name as DetectorName] : undefined;
}
