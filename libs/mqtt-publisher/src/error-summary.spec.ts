import { describe, expect, it } from 'vitest';
import { summarizeError } from './error-summary';

describe('error summaries', () => {
  it('keeps the code and message but masks secrets and URL credentials', () => {
    const error = Object.assign(
      new Error('connect failed for mqtt://bob:hunter2@host:1883 (hunter2)'),
      {
        code: 'EFAIL',
      },
    );
    const summary = summarizeError(error, ['hunter2']);
    expect(summary).toBe('EFAIL: connect failed for mqtt://***@host:1883 (***)');
    expect(
      summarizeError(
        Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:1'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe('connect ECONNREFUSED 1.2.3.4:1');
    expect(summarizeError('x'.repeat(500))).toHaveLength(300);
    expect(summarizeError({ weird: true })).toBe('unknown error');
  });

  it('says what a TLS failure means and how to fix it', () => {
    const untrusted = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(summarizeError(untrusted)).toBe(
      'TLS: the server certificate is not trusted (its CA is unknown here); set caFile to the CA that issued it (SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain)',
    );
    const wrongHost = Object.assign(
      new Error("Hostname/IP does not match certificate's altnames"),
      {
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      },
    );
    expect(summarizeError(wrongHost)).toMatch(/^TLS: the server certificate is not for this host/);
  });
});
