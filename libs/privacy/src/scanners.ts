
// ASCII tests on UTF-16 code units, kept in this module: hot loops call them per character.

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function isAlnum(code: number): boolean {
  return isDigit(code) || isLetter(code);
}

/** `\w` in RE2 and JavaScript: ASCII letters, digits and `_`. */
export function isWordChar(code: number): boolean {
  return isAlnum(code) || code === 95;
}

export function isHex(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** Visits non-overlapping spans left to right; stop when `visit` returns false. */
export type Scanner = (text: string, visit: (start: number, end: number) => boolean) => void;

// Hand-written scanners: each character is examined a bounded number of times, so they are
// linear-time and, unlike a native engine call, cost nanoseconds on ordinary status strings.

function isEmailLocal(code: number): boolean {
  // [A-Za-z0-9._%+-]
  return isAlnum(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
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

/** `local@domain.tld`: local part of `[A-Za-z0-9._%+-]` (so `+tags` are included). */
export const scanEmails: Scanner = (text, visit) => {
  let floor = 0;
  for (let at = text.indexOf('@', 1); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > floor && isEmailLocal(text.charCodeAt(start - 1))) start--;
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

/** Dotted quads (octets 0–255, no leading zeros) that are not part of a longer dotted number. */
export const scanIpv4: Scanner = (text, visit) => {
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
    let end = at + 5;
    let distinctive = false;
    while (end < text.length && isIdChar(text.charCodeAt(end))) {
      const code = text.charCodeAt(end);
      if (isDigit(code) || (code >= 65 && code <= 90) || code === 95 || code === 126) {
        distinctive = true;
      }
      end++;
    }
    const length = end - at - 5;
    if (length < 8 || length > 16 || !distinctive) continue;
    if (!visit(at, end)) return;
    at = end - 1;
  }
};
