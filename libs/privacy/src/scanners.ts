// Linear-time, hand-written text scanners for the built-in detectors, and the ASCII tests they
// share (kept in this module: hot loops call them per character).

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isAlnum(code: number): boolean {
  return isDigit(code) || isLetter(code);
}

/** `\w` in RE2 and JavaScript: ASCII letters, digits and `_`. */
function isWordChar(code: number): boolean {
  return isAlnum(code) || code === 95;
}

function isHex(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** Visits non-overlapping spans left to right; stop when `visit` returns false. */
export type Scanner = (text: string, visit: (start: number, end: number) => boolean) => void;

// Hand-written scanners: each character is examined a bounded number of times, so they are
// linear-time and, unlike a native engine call, cost nanoseconds on ordinary status strings.

/**
 * RFC 5322 `atext` and `.`, minus `/ = ? { | }` and backtick, which in practice delimit URLs,
 * query strings and templates around an address (so `?to=alice@x.com` yields `alice@x.com`).
 */
function isEmailLocal(code: number): boolean {
  return (
    isAlnum(code) ||
    code === 46 || // .
    code === 95 || // _
    code === 45 || // -
    code === 43 || // +
    code === 37 || // %
    code === 33 || // !
    code === 35 || // #
    code === 36 || // $
    code === 38 || // &
    code === 39 || // '
    code === 42 || // *
    code === 94 || // ^
    code === 126 // ~
  );
}

/**
 * End of the longest `label(.label)+` domain starting at `from` whose last label is a 2–63
 * letter TLD not followed by a word character; -1 when there is none. Labels are 1–63 of
 * `[A-Za-z0-9-]`, starting and ending with a letter or digit.
 */
function emailDomainEnd(text: string, from: number): number {
  let best = -1;
  let labelStart = from;
  for (let labels = 0; ; labels++) {
    let runEnd = labelStart;
    while (runEnd < text.length) {
      const code = text.charCodeAt(runEnd);
      if (!isAlnum(code) && code !== 45) break;
      runEnd++;
    }
    // A label cannot end with '-': trailing hyphens end the domain.
    let end = runEnd;
    while (end > labelStart && text.charCodeAt(end - 1) === 45) end--;
    const length = end - labelStart;
    if (length === 0 || length > 63 || text.charCodeAt(labelStart) === 45) return best;
    if (labels > 0 && length >= 2 && !isWordChar(text.charCodeAt(end))) {
      let letters = true;
      for (let i = labelStart; i < end && letters; i++) letters = isLetter(text.charCodeAt(i));
      if (letters) best = end;
    }
    if (end < runEnd || text.charCodeAt(end) !== 46) return best;
    labelStart = end + 1;
  }
}

/** Necessary condition for an email: an `@` after the first character with a `.` after it. */
export function mayContainEmail(text: string): boolean {
  const at = text.indexOf('@', 1);
  return at !== -1 && text.indexOf('.', at + 2) !== -1;
}

/** `local@domain.tld`, with `+tags`, subdomains and the usual RFC 5322 local-part characters. */
export const scanEmails: Scanner = (text, visit) => {
  let floor = 0;
  for (let at = text.indexOf('@', 1); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > floor && isEmailLocal(text.charCodeAt(start - 1))) start--;
    // A leading quote or dot is punctuation around the address, not part of it.
    while (start < at && (text.charCodeAt(start) === 39 || text.charCodeAt(start) === 46)) start++;
    if (start === at) continue;
    const end = emailDomainEnd(text, at + 1);
    if (end === -1) continue;
    if (!visit(start, end)) return;
    floor = end;
    at = end - 1;
  }
};

const UUID_GROUPS = [8, 4, 4, 4, 12];
const UUID_LENGTH = 36;

function isUuidAt(text: string, start: number): boolean {
  let i = start;
  for (let group = 0; group < UUID_GROUPS.length; group++) {
    if (group > 0 && text.charCodeAt(i++) !== 45) return false;
    for (let k = 0; k < UUID_GROUPS[group]; k++) if (!isHex(text.charCodeAt(i++))) return false;
  }
  return true;
}

/** Necessary condition for a UUID: dashes spaced like 8-4-4-4-12. */
export function mayContainUuid(text: string): boolean {
  if (text.length < UUID_LENGTH) return false;
  for (let dash = text.indexOf('-', 8); dash !== -1; dash = text.indexOf('-', dash + 1)) {
    if (text[dash + 5] === '-' && text[dash + 10] === '-' && text[dash + 15] === '-') return true;
  }
  return false;
}

/** 8-4-4-4-12 hex digits with word boundaries on both sides. */
export const scanUuids: Scanner = (text, visit) => {
  for (let dash = text.indexOf('-', 8); dash !== -1; dash = text.indexOf('-', dash + 1)) {
    const start = dash - 8;
    if (start + UUID_LENGTH > text.length) return;
    if (
      !isWordChar(text.charCodeAt(start - 1)) &&
      !isWordChar(text.charCodeAt(start + UUID_LENGTH)) &&
      isUuidAt(text, start)
    ) {
      if (!visit(start, start + UUID_LENGTH)) return;
      dash = start + UUID_LENGTH - 1;
    }
  }
};

/** Parses one octet (0–255, no leading zero) at `i`; returns its end or -1. */
function octetEnd(text: string, i: number): number {
  let end = i;
  while (end < text.length && isDigit(text.charCodeAt(end)) && end - i < 4) end++;
  const length = end - i;
  if (length === 0 || length > 3) return -1;
  if (length > 1 && text.charCodeAt(i) === 48) return -1;
  return Number(text.slice(i, end)) <= 255 ? end : -1;
}

/** A `.` or `-` next to a digit means the candidate is part of a longer dotted/dashed number. */
function continuesNumber(text: string, separatorAt: number, digitAt: number): boolean {
  const separator = text.charCodeAt(separatorAt);
  return (separator === 46 || separator === 45) && isDigit(text.charCodeAt(digitAt));
}

/** Necessary condition for a dotted quad: three `.` with digits on both sides. */
export function mayContainIpv4(text: string): boolean {
  let dots = 0;
  for (let dot = text.indexOf('.'); dot !== -1; dot = text.indexOf('.', dot + 1)) {
    if (isDigit(text.charCodeAt(dot - 1)) && isDigit(text.charCodeAt(dot + 1)) && ++dots === 3) {
      return true;
    }
  }
  return false;
}

/** Dotted quads (octets 0–255, no leading zeros) that are not part of a longer dotted number. */
export const scanIpv4: Scanner = (text, visit) => {
  if (!mayContainIpv4(text)) return;
  for (let start = 0; start < text.length; start++) {
    if (!isDigit(text.charCodeAt(start)) || isWordChar(text.charCodeAt(start - 1))) continue;
    if (start >= 2 && text.charCodeAt(start - 1) === 46 && isDigit(text.charCodeAt(start - 2))) {
      continue;
    }
    let end = start;
    for (let octet = 0; octet < 4 && end !== -1; octet++) {
      if (octet > 0) end = text.charCodeAt(end) === 46 ? end + 1 : -1;
      if (end !== -1) end = octetEnd(text, end);
    }
    if (end === -1 || isWordChar(text.charCodeAt(end)) || continuesNumber(text, end, end + 1)) {
      continue;
    }
    if (!visit(start, end)) return;
    start = end - 1;
  }
};

function isIdChar(code: number): boolean {
  return isWordChar(code) || code === 45 || code === 126; // PlaceOS ids: [0-9A-Za-z_~-]
}

/**
 * `user-` + a PlaceOS id: 8–16 of `[0-9A-Za-z_~-]` with at least one digit, capital, `_` or
 * `~` (so words like `user-management` do not match).
 */
export const scanPlaceOsUserIds: Scanner = (text, visit) => {
  for (let at = text.indexOf('user-'); at !== -1; at = text.indexOf('user-', at + 1)) {
    if (isWordChar(text.charCodeAt(at - 1))) continue;
    const idStart = at + 5;
    let end = idStart;
    let distinctive = false;
    // Stop one past the longest id: a longer run is not an id, and bounding keeps this linear.
    while (end < text.length && end - idStart <= 16 && isIdChar(text.charCodeAt(end))) {
      const code = text.charCodeAt(end);
      if (isDigit(code) || (code >= 65 && code <= 90) || code === 95 || code === 126) {
        distinctive = true;
      }
      end++;
    }
    const length = end - idStart;
    if (length < 8 || length > 16 || !distinctive) continue;
    if (!visit(at, end)) return;
    at = end - 1;
  }
};

/**
 * Necessary condition: a stretch of `[0-9 .()+-]` holding 8+ digits after a `+`, or 10+ digits
 * (every phone pattern is made of those characters), so dates and timestamps rarely get through.
 */
export function mayContainPhone(text: string): boolean {
  let digits = 0;
  let plus = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isDigit(code)) {
      if (++digits >= 10 || (plus && digits >= 8)) return true;
    } else if (code === 43) {
      plus = true;
      digits = 0;
    } else if (code !== 32 && code !== 45 && code !== 46 && code !== 40 && code !== 41) {
      digits = 0;
      plus = false;
    }
  }
  return false;
}

/** Context RE2 cannot check: not glued to words or longer numbers, and a plausible digit count. */
export function isWholePhone(text: string, start: number, end: number): boolean {
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
