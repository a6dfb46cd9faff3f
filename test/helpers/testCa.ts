import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
