import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1/localhost, made
 * with the openssl CLI, so local stand-ins of HTTPS services (Akamai) can be trusted through
 * NODE_EXTRA_CA_CERTS exactly like a real CA: no `rejectUnauthorized: false` anywhere.
 */
export interface TestCa {
  dir: string;
  caCertPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  /** The machine's existing extra CAs (if any) plus ours: NODE_EXTRA_CA_CERTS takes one file. */
  bundlePath: string;
}

export function ensureTestCa(
  dir: string,
  existingExtraCa = process.env.NODE_EXTRA_CA_CERTS,
): TestCa {
  const ca: TestCa = {
    dir,
    caCertPath: join(dir, 'ca.pem'),
    serverCertPath: join(dir, 'server.pem'),
    serverKeyPath: join(dir, 'server-key.pem'),
    bundlePath: join(dir, 'bundle.pem'),
  };
  if (existsSync(ca.bundlePath) && existsSync(ca.serverKeyPath)) return ca;
  mkdirSync(dir, { recursive: true });
  const caKey = join(dir, 'ca-key.pem');
  const csr = join(dir, 'server.csr');
  const ext = join(dir, 'server.ext');
  const run = (args: string[]) => {
    try {
      execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const detail = (error as { stderr?: Buffer }).stderr?.toString() ?? (error as Error).message;
      throw new Error(
        `openssl ${args[0]} failed: ${detail.trim()} (install the Debian package "openssl")`,
      );
    }
  };
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    ca.caCertPath,
    '-days',
    '30',
    '-subj',
    '/CN=pushgate-collector local test CA',
  ]);
  run([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    ca.serverKeyPath,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(
    ext,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  run([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.caCertPath,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    ca.serverCertPath,
    '-days',
    '30',
    '-extfile',
    ext,
  ]);
  const existing =
    existingExtraCa && existsSync(existingExtraCa) ? readFileSync(existingExtraCa, 'utf8') : '';
  writeFileSync(ca.bundlePath, `${existing.trimEnd()}\n${readFileSync(ca.caCertPath, 'utf8')}`);
  return ca;
}

/** The CA made by `npm test` (scripts/test.ts); the jest process trusts it. */
export function testTls(): { key: Buffer; cert: Buffer } {
  const dir = process.env.TEST_CA_DIR;
  if (!dir) {
    throw new Error(
      'TEST_CA_DIR is not set: run the tests with "npm test", which creates the test CA and trusts it via NODE_EXTRA_CA_CERTS',
    );
  }
  return {
    key: readFileSync(join(dir, 'server-key.pem')),
    cert: readFileSync(join(dir, 'server.pem')),
  };
}
