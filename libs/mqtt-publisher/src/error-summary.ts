import { scrubSecrets } from '@app/redaction';

const MAX_LENGTH = 300;

const UNTRUSTED = 'TLS: the server certificate is not trusted';
const SET_CA = 'set caFile to the CA that issued it';
/** What an operator should know about common TLS failures, by Node's error code. */
const TLS_EXPLANATIONS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: `${UNTRUSTED} (its CA is unknown here); ${SET_CA}`,
  DEPTH_ZERO_SELF_SIGNED_CERT: `${UNTRUSTED} (self-signed); ${SET_CA}`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: `${UNTRUSTED} (its issuer is unknown here); ${SET_CA}`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: `${UNTRUSTED} (its issuer is unknown here); ${SET_CA}`,
  CERT_HAS_EXPIRED: 'TLS: the server certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID:
    'TLS: the server certificate is not for this host; connect by a name it lists, or set servername',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    'TLS: the broker requires a client certificate; set certFile and keyFile',
};

/**
 * A short, single-line description of an error for `lastError` and logs. Known secrets and
 * URL credentials are masked, so a library error that echoes its options cannot leak them.
 */
export function summarizeError(error: unknown, secrets: readonly string[] = []): string {
  let text: string;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const prefix = typeof code === 'string' && !error.message.includes(code) ? `${code}: ` : '';
    text = `${prefix}${error.message}`;
    const explanation = typeof code === 'string' ? TLS_EXPLANATIONS[code] : undefined;
    if (explanation) text = `${explanation} (${text})`;
  } else {
    text = typeof error === 'string' ? error : 'unknown error';
  }
  text = scrubSecrets(text, secrets).replace(/\s+/g, ' ').trim();
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
