import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One file of the admin page, held in memory with the headers it is served with. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The page runs only its own files: no inline script or style, no other origin, no framing, no
 * form posting anywhere (forms are handled by the scripts).
 */
export const ADMIN_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Where the page's files are: beside `src/` in the sources, and beside the compiled `src/` in
 * the build output, where nest-cli.json's assets entry copies them.
 */
export function staticDirectory(moduleDirectory: string): string {
  return join(moduleDirectory, '..', 'static');
}

/**
 * Reads every file of `directory` (flat) into memory. Only these names are ever served, so no
 * request path can reach another file. Throws when the directory is missing: a build without
 * the page's files is a packaging mistake that should stop start-up, not show up as 404s.
 */
export function loadStaticFiles(directory: string): Map<string, StaticFile> {
  if (!existsSync(directory))
    throw new Error(
      `The admin page files are missing from ${directory}: the build must copy libs/admin-ui/static (nest-cli.json assets)`,
    );
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(directory).sort()) {
    const contentType = CONTENT_TYPES[extname(name)];
    const path = join(directory, name);
    if (contentType === undefined || !statSync(path).isFile()) continue;
    const body = readFileSync(path);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    files.set(name, { body, contentType, etag });
  }
  if (!files.has('index.html')) throw new Error(`No index.html in ${directory}`);
  return files;
}
