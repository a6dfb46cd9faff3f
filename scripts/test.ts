/**
 * `npm test`: make sure the real binaries the integration tests start are installed, create a
 * throw-away CA for the HTTPS Akamai stand-in, then run jest with that CA trusted through
 * NODE_EXTRA_CA_CERTS (read by Node only at process start, hence this wrapper).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureTestCa } from '../dev/simulators/tls';
import {
  AMTOOL,
  ARM64_LIBC,
  ARM64_LIBSTDCXX,
  CHROMIUM,
  ensureDebianBinaries,
  QEMU_AARCH64,
  UNZIP,
  PROMETHEUS,
  PROMTOOL,
  PUSHGATEWAY,
  GRAPHITE_CARBON,
  VICTORIA_METRICS,
  VMALERT,
  TINYPROXY,
  WHISPER_FETCH,
  NODE_EXPORTER,
  BLACKBOX_EXPORTER,
  SNMP_EXPORTER,
  SNMPD,
} from '../dev/debianBinaries';

const root = join(__dirname, '..');
const log = (line: string) => process.stderr.write(`[npm test] ${line}\n`);

// What is tested must be what runs: the Lambda runtime is nodejs24.x. `npm ci` installs Node 24
// (the `node` dev dependency) first on the PATH of every npm script; a bare `npx jest` or `tsx`
// on the machine's own Node would test something else.
if (process.versions.node.split('.')[0] !== '24') {
  log(
    `running on Node ${process.versions.node}, but the functions run on nodejs24.x: start the tests with \`npm test\` after \`npm ci\` (it brings Node 24)`,
  );
  process.exit(1);
}

try {
  ensureDebianBinaries(
    [
      PUSHGATEWAY,
      PROMTOOL,
      PROMETHEUS,
      AMTOOL,
      VICTORIA_METRICS,
      VMALERT,
      GRAPHITE_CARBON,
      WHISPER_FETCH,
      TINYPROXY,
      NODE_EXPORTER,
      BLACKBOX_EXPORTER,
      SNMP_EXPORTER,
      SNMPD,
      UNZIP,
      QEMU_AARCH64,
      ARM64_LIBC,
      ARM64_LIBSTDCXX,
      CHROMIUM,
    ],
    log,
  );
} catch (error) {
  log((error as Error).message);
  process.exit(1);
}
const ca = ensureTestCa(join(root, '.tmp', 'test-ca'));

const jest = spawn(process.execPath, [require.resolve('jest/bin/jest'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.bundlePath, TEST_CA_DIR: ca.dir },
});
jest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
