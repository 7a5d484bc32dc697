import RE2 from 're2';
import { DETECTOR_NAMES, type DetectorName } from './privacy-rule';
import {
  isWholePhone,
  mayContainEmail,
  mayContainIpv4,
  mayContainPhone,
  mayContainUuid,
  scanEmails,
  scanIpv4,
  scanPlaceOsUserIds,
  scanUuids,
  type Scanner,
} from './scanners';
import type { JsonTextView } from './json-text-view';
import { scanWithRe2, type TextMatcher } from './text-matcher';

/** A detector backed by a hand-written linear scanner and a cheap necessary condition. */
class ScannerDetector implements TextMatcher {
  constructor(
    readonly scan: Scanner,
    readonly mayMatchIn: (text: string) => boolean,
  ) {}

  /** The conditions only ask for characters a match contains, so any text around it passes. */
  mayMatchInJson(json: JsonTextView): boolean {
    return this.mayMatchIn(json.text);
  }
}

/** International (`+`) or national (grouped) numbers; isWholePhone then checks context. */
export const PHONE_PATTERN = [
  '\\+[0-9]{1,3}(?:[ .-]?(?:\\([0-9]{1,4}\\)|[0-9]{1,5})){2,6}',
  '\\(?[0-9]{2,4}\\)?[ -][0-9]{3,4}[ -][0-9]{3,4}',
  '[0-9]{3}\\.[0-9]{3}\\.[0-9]{4}',
].join('|');

/**
 * Phone numbers need a leading `+` (8–15 digits, E.164) or national grouping with separators
 * (10–12 digits, e.g. `(02) 9876 5432`, `555-123-4567`, `555.123.4567`), so plain integers,
 * timestamps, versions, dates and IP addresses do not match. RE2 finds candidates (linear time)
 * after a cheap pre-check; a context check stands in for the lookaround RE2 lacks.
 */
class PhoneDetector implements TextMatcher {
  private readonly re = new RE2(PHONE_PATTERN, 'gu');
  readonly mayMatchIn = mayContainPhone;
  /** A run of digits and separators inside a leaf is the same run in the JSON text. */
  mayMatchInJson(json: JsonTextView): boolean {
    return mayContainPhone(json.text);
  }

  scan(text: string, visit: (start: number, end: number) => boolean): void {
    if (mayContainPhone(text)) scanWithRe2(this.re, text, visit, isWholePhone);
  }
}

const DETECTORS: Readonly<Record<DetectorName, TextMatcher>> = {
  email: new ScannerDetector(scanEmails, mayContainEmail),
  uuid: new ScannerDetector(scanUuids, mayContainUuid),
  phone: new PhoneDetector(),
  ipv4: new ScannerDetector(scanIpv4, mayContainIpv4),
  placeos_user_id: new ScannerDetector(scanPlaceOsUserIds, (text) => text.includes('user-')),
};

/** The matcher for a built-in detector name, or undefined for an unknown name. */
export function detectorMatcher(name: string): TextMatcher | undefined {
  return Object.hasOwn(DETECTORS, name) ? DETECTORS[name as DetectorName] : undefined;
}

/** A built-in detector with its name. */
export interface NamedDetector {
  readonly name: DetectorName;
  readonly matcher: TextMatcher;
}

const NAMED_DETECTORS: readonly NamedDetector[] = Object.freeze(
  DETECTOR_NAMES.map((name) => Object.freeze({ name, matcher: DETECTORS[name] })),
);

/** Every built-in detector, in DETECTOR_NAMES order. */
export function builtInDetectors(): readonly NamedDetector[] {
  return NAMED_DETECTORS;
}
