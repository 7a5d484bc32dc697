import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its private key, as PEM file paths. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

/**
 * Throw-away PKI for TLS tests, made with the openssl CLI (EC P-256: instant to generate).
 * Every path is a PEM file in `dir`; `read(path)` gives its bytes.
 */
export interface TestCertificates {
  readonly dir: string;
  /** The CA that signed `server`, `wrongHost` and `client`. */
  readonly ca: string;
  /** For `localhost` and `127.0.0.1` (subjectAltName), signed by `ca`. */
  readonly server: CertificatePair;
  /** Signed by `ca`, but only for `wrong.example`: a client checking 127.0.0.1 must refuse it. */
  readonly wrongHost: CertificatePair & { readonly hostname: string };
  /** A client certificate (CN `bridge-client`) signed by `ca`, for mTLS. */
  readonly client: CertificatePair;
  /** A `localhost` certificate from another CA (`untrustedCa`) that nobody trusts. */
  readonly untrusted: CertificatePair;
  readonly untrustedCa: string;
  read(path: string): Buffer;
  remove(): void;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const WRONG_HOST = 'wrong.example';

/** Why certificates cannot be made here (no openssl), or undefined when they can. */
export function testCertificatesSkipReason(): string | undefined {
  const probe = spawnSync('openssl', ['version'], { stdio: 'ignore' });
  return probe.error ? 'openssl is not installed (needed to make test certificates)' : undefined;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

function makeCa(dir: string, name: string, subject: string): string {
  openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-days',
    '2',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-subj',
    `/CN=${subject}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return join(dir, `${name}.pem`);
}

function makeLeaf(
  dir: string,
  ca: string,
  name: string,
  subject: string,
  extensions: string[],
): CertificatePair {
  openssl(dir, [
    'req',
    ...EC_KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${subject}`,
  ]);
  writeFileSync(
    join(dir, `${name}.ext`),
    `${['basicConstraints=CA:FALSE', ...extensions].join('\n')}\n`,
  );
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.pem`,
    '-extfile',
    `${name}.ext`,
  ]);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

/** Makes a CA, server, wrong-host, client and untrusted certificates in a new temporary directory. */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'test-pki-'));
  const ca = makeCa(dir, 'ca', 'Bridge Test CA');
  const untrustedCa = makeCa(dir, 'other-ca', 'Untrusted Test CA');
  const serverAuth = 'extendedKeyUsage=serverAuth';
  const server = makeLeaf(dir, 'ca', 'server', 'localhost', [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    serverAuth,
  ]);
  const wrongHost = makeLeaf(dir, 'ca', 'wrong-host', WRONG_HOST, [
    `subjectAltName=DNS:${WRONG_HOST}`,
    serverAuth,
  ]);
  const client = makeLeaf(dir, 'ca', 'client', 'bridge-client', ['extendedKeyUsage=clientAuth']);
  const untrusted = makeLeaf(dir, 'other-ca', 'untrusted', 'localhost', [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    serverAuth,
  ]);
  // mosquitto started as root drops to its own user before it reads certificates: these
  // throw-away test files must be readable by it.
  chmodSync(dir, 0o755);
  for (const file of readdirSync(dir)) chmodSync(join(dir, file), 0o644);
  return {
    dir,
    ca,
    server,
    wrongHost: { ...wrongHost, hostname: WRONG_HOST },
    client,
    untrusted,
    untrustedCa,
    read: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
