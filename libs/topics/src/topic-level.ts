/** The level text for a hierarchy tag the system has no zone for (as upstream). */
export const MISSING_LEVEL = '_';

/** What an empty string encodes to: a lone `%` is never the canonical encoding of anything else. */
const EMPTY_LEVEL = '%';

/** What a text that is exactly `_` encodes to, so that it never reads as MISSING_LEVEL. */
const UNDERSCORE_LEVEL = '%5F';

const HEX = '0123456789ABCDEF';

/**
 * Makes any text safe as one MQTT topic level, reversibly (see decodeTopicLevel).
 *
 * Percent-encodes, as the UTF-8 bytes RFC 3986 would use: `%` `/` `+` `#`, NUL and every C0/C1
 * control character (U+0000–U+001F, U+007F–U+009F). A lone UTF-16 surrogate, which has no UTF-8
 * form, is encoded as the three bytes of its code point (generalized UTF-8, `%ED%A0%80`), so no
 * JavaScript string is lost. Everything else passes through unchanged, so `decodeURIComponent`
 * decodes every level except the two special cases:
 * - the empty string encodes to a lone `%` (an empty level is easy to lose, e.g. upstream's
 *   `File.join` drops it and shifts every level after it);
 * - a text that is exactly `_` encodes to `%5F`, so it cannot be mistaken for MISSING_LEVEL.
 */
export function encodeTopicLevel(text: string): string {
  if (text === '') return EMPTY_LEVEL;
  if (text === MISSING_LEVEL) return UNDERSCORE_LEVEL;
  if (!anyNeedsEncoding(text)) return text;
  let encoded = '';
  for (const char of text) {
    // for..of yields whole code points, and a lone surrogate on its own.
    const codePoint = char.codePointAt(0) ?? 0;
    encoded += needsEncoding(codePoint) ? percentEncode(codePoint) : char;
  }
  return encoded;
}

/**
 * The inverse of encodeTopicLevel. MISSING_LEVEL (`_`) decodes to itself. Throws an Error for a
 * level encodeTopicLevel cannot have produced (malformed or non-canonical percent-encoding,
 * a raw `/ + #` or control character), so each text has exactly one topic level.
 */
export function decodeTopicLevel(level: string): string {
  if (level === MISSING_LEVEL) return MISSING_LEVEL;
  if (level === EMPTY_LEVEL) return '';
  const decoded = level.includes('%') ? percentDecode(level) : level;
  if (encodeTopicLevel(decoded) !== level) {
    throw new Error(`topic level ${JSON.stringify(level)} is not in canonical encoded form`);
  }
  return decoded;
}

/** The common case, checked without building a new string: nothing to encode. */
function anyNeedsEncoding(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i += 1;
    } else if (needsEncoding(unit)) return true;
  }
  return false;
}

function needsEncoding(codePoint: number): boolean {
  return (
    codePoint <= 0x1f ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0x25 ||
    codePoint === 0x2f ||
    codePoint === 0x2b ||
    codePoint === 0x23 ||
    (codePoint >= 0xd800 && codePoint <= 0xdfff)
  );
}

/** Only ever called for code points below U+E000 (see needsEncoding), so at most three bytes. */
function percentEncode(codePoint: number): string {
  if (codePoint < 0x80) return byteText(codePoint);
  if (codePoint < 0x800)
    return byteText(0xc0 | (codePoint >> 6)) + byteText(0x80 | (codePoint & 0x3f));
  return (
    byteText(0xe0 | (codePoint >> 12)) +
    byteText(0x80 | ((codePoint >> 6) & 0x3f)) +
    byteText(0x80 | (codePoint & 0x3f))
  );
}

function byteText(byte: number): string {
  return `%${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
}

/** Decodes `%XX` runs as generalized UTF-8 (surrogate code points allowed); throws when malformed. */
function percentDecode(level: string): string {
  let decoded = '';
  let i = 0;
  while (i < level.length) {
    if (level[i] !== '%') {
      decoded += level[i];
      i += 1;
      continue;
    }
    const lead = readByte(level, i);
    i += 3;
    const continuationCount =
      lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : -1;
    if (continuationCount < 0) throw malformed(level);
    let codePoint = continuationCount === 0 ? lead : lead & (continuationCount === 1 ? 0x1f : 0x0f);
    for (let n = 0; n < continuationCount; n += 1) {
      const byte = readByte(level, i);
      if ((byte & 0xc0) !== 0x80) throw malformed(level);
      codePoint = (codePoint << 6) | (byte & 0x3f);
      i += 3;
    }
    decoded += String.fromCharCode(codePoint);
  }
  return decoded;
}

function readByte(level: string, at: number): number {
  const hex = level.slice(at + 1, at + 3);
  if (level[at] !== '%' || !/^[0-9A-F]{2}$/.test(hex)) throw malformed(level);
  return parseInt(hex, 16);
}

function malformed(level: string): Error {
  return new Error(`topic level ${JSON.stringify(level)} has malformed percent-encoding`);
}
