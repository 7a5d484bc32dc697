import { hmacSha256Hex } from './hmac';
import { scanEmails } from './scanners';

/** What happens to a data subject wherever it appears in what a broker receives. */
export const SUBJECT_ACTIONS = ['replace', 'hash', 'drop'] as const;
export type SubjectAction = (typeof SUBJECT_ACTIONS)[number];

/** Longest subject (after trimming), in UTF-16 code units; longer text is never a candidate. */
export const SUBJECT_MAX_LENGTH = 1024;

/** Hex characters of the digest that `fingerprint` shows. */
const FINGERPRINT_LENGTH = 12;

/** A registered data subject as the bridge keeps it: a keyed hash, never the text. */
export interface SubjectEntry {
  /** HMAC-SHA256 (lowercase hex) of the normalised subject, keyed with the store's subject key. */
  digest: string;
  action: SubjectAction;
  /** For `replace`; DEFAULT_REPLACEMENT when absent. */
  replacement?: string;
}

/** True when the whole of `text` is one e-mail address, as the `email` detector reads it. */
export function isWholeEmail(text: string): boolean {
  let whole = false;
  scanEmails(text, (start, end) => {
    whole = start === 0 && end === text.length;
    return false;
  });
  return whole;
}

/**
 * The form a subject is hashed in, for registration and for every candidate text alike:
 * surrounding whitespace removed, and an e-mail address lowercased (addresses are compared
 * case-insensitively, as mail systems treat them in practice). Anything else is compared exactly
 * as given: no case folding, no Unicode normalisation.
 */
export function normalizeSubject(text: string): string {
  const trimmed = text.trim();
  return isWholeEmail(trimmed) ? trimmed.toLowerCase() : trimmed;
}

/** The stored digest of an already normalised subject. */
export function subjectDigest(key: string, normalized: string): string {
  return hmacSha256Hex(key, normalized);
}

/**
 * A short label for a registered subject. A prefix of the keyed digest: it tells entries apart
 * and reveals nothing about the subject without the key.
 */
export function subjectFingerprint(digest: string): string {
  return digest.slice(0, FINGERPRINT_LENGTH);
}
