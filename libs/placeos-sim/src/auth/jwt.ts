import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claims of a PlaceOS `UserJWT`. */
export interface UserJwtClaims {
  iss: 'POS';
  iat: number;
  exp: number;
  jti: string;
  aud: string;
  sub: string;
  scope: string[];
  u: { n: string; e: string; p: number; r: string[] };
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Signs claims as a compact JWT (HS256 here; PlaceOS uses RS256, but clients only read `exp`). */
export function signJwt(claims: UserJwtClaims, secret: Buffer): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Verifies the signature and returns the claims, or undefined for a malformed or forged token. */
export function verifyJwt(token: string, secret: Buffer): UserJwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [head, body, sig] = parts as [string, string, string];
  const expected = Buffer.from(
    createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url'),
  );
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as UserJwtClaims;
  } catch {
    return undefined;
  }
}
