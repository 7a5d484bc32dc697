import { BadRequestException } from '@nestjs/common';

const IF_MATCH_VERSION = /^(?:W\/)?(?:"([1-9][0-9]{0,14})"|([1-9][0-9]{0,14}))$/;

/**
 * The version an `If-Match` header asks for: `"3"`, `3` or `W/"3"`; `*` (or no header) means
 * any version. Anything else is a 400, so a typo never silently skips the check.
 */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const text = (Array.isArray(header) ? header.join(',') : header).trim();
  if (text === '*') return undefined;
  const match = IF_MATCH_VERSION.exec(text);
  if (!match)
    throw new BadRequestException([
      'If-Match must be a rule version such as "3" (quoted, unquoted or W/"3"), or *',
    ]);
  return Number(match[1] ?? match[2]);
}

/** The ETag header value of a rule version. */
export function versionEtag(version: number): string {
  return `"${version}"`;
}
