import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

/**
 * The real Prometheus-stack binaries come from Debian packages; this is the one table of which
 * binary comes from which package. When one is missing we install it (as root, with apt-get)
 * or stop with a message naming the package: a test that needs a real binary is never skipped.
 * Elsewhere the same programs go by other names (Homebrew's and the upstream tarballs'
 * `pushgateway`, `alertmanager`), found too; and `<NAME>_BIN` (e.g. PUSHGATEWAY_BIN) points
 * at one anywhere.
 */
export interface DebianBinary {
  binary: string;
  debianPackage: string;
  /** The variable naming the program's path, which wins over the PATH. */
  env: string;
  /** Its names from other package managers, tried on the PATH after the Debian one. */
  otherNames?: readonly string[];
  /** A package of files, not a program (a library tree): present when this file exists. */
  file?: string;
}

export const PUSHGATEWAY: DebianBinary = {
  binary: 'prometheus-pushgateway',
  debianPackage: 'prometheus-pushgateway',
  env: 'PUSHGATEWAY_BIN',
  otherNames: ['pushgateway'],
};
export const NODE_EXPORTER: DebianBinary = {
  binary: 'prometheus-node-exporter',
  debianPackage: 'prometheus-node-exporter',
  env: 'NODE_EXPORTER_BIN',
  otherNames: ['node_exporter'],
};
export const BLACKBOX_EXPORTER: DebianBinary = {
  binary: 'prometheus-blackbox-exporter',
  debianPackage: 'prometheus-blackbox-exporter',
  env: 'BLACKBOX_EXPORTER_BIN',
  otherNames: ['blackbox_exporter'],
};
export const SNMP_EXPORTER: DebianBinary = {
  binary: 'prometheus-snmp-exporter',
  debianPackage: 'prometheus-snmp-exporter',
  env: 'SNMP_EXPORTER_BIN',
  otherNames: ['snmp_exporter'],
};
/** A real SNMP agent, answering for the machine's own interfaces. */
export const SNMPD: DebianBinary = { binary: 'snmpd', debianPackage: 'snmpd', env: 'SNMPD_BIN' };
export const PROMTOOL: DebianBinary = {
  binary: 'promtool',
  debianPackage: 'prometheus',
  env: 'PROMTOOL_BIN',
};
export const PROMETHEUS: DebianBinary = {
  binary: 'prometheus',
  debianPackage: 'prometheus',
  env: 'PROMETHEUS_BIN',
};
export const ALERTMANAGER: DebianBinary = {
  binary: 'prometheus-alertmanager',
  debianPackage: 'prometheus-alertmanager',
  env: 'ALERTMANAGER_BIN',
  otherNames: ['alertmanager'],
};
export const AMTOOL: DebianBinary = {
  binary: 'amtool',
  debianPackage: 'prometheus-alertmanager',
  env: 'AMTOOL_BIN',
};
export const UNZIP: DebianBinary = { binary: 'unzip', debianPackage: 'unzip', env: 'UNZIP_BIN' };
/**
 * What runs an arm64 program on this machine, whatever its CPU: qemu's user-mode emulator and
 * the arm64 C and C++ libraries it loads the program with (`qemu-aarch64 -L /usr/aarch64-linux-gnu`).
 */
export const QEMU_AARCH64: DebianBinary = {
  binary: 'qemu-aarch64',
  debianPackage: 'qemu-user',
  env: 'QEMU_AARCH64_BIN',
};
export const ARM64_LIBRARIES = '/usr/aarch64-linux-gnu';
export const ARM64_LIBC: DebianBinary = {
  binary: 'the arm64 C library',
  debianPackage: 'libc6-arm64-cross',
  env: 'ARM64_LIBC',
  file: `${ARM64_LIBRARIES}/lib/ld-linux-aarch64.so.1`,
};
export const ARM64_LIBSTDCXX: DebianBinary = {
  binary: 'the arm64 C++ library',
  debianPackage: 'libstdc++6-arm64-cross',
  env: 'ARM64_LIBSTDCXX',
  file: `${ARM64_LIBRARIES}/lib/libstdc++.so.6`,
};
export const GRAPHITE_CARBON: DebianBinary = {
  binary: 'carbon-cache',
  debianPackage: 'graphite-carbon',
  env: 'CARBON_CACHE_BIN',
  otherNames: ['carbon-cache.py'],
};
export const WHISPER_FETCH: DebianBinary = {
  binary: 'whisper-fetch',
  debianPackage: 'python3-whisper',
  env: 'WHISPER_FETCH_BIN',
  otherNames: ['whisper-fetch.py'],
};
export const VICTORIA_METRICS: DebianBinary = {
  binary: 'victoria-metrics',
  debianPackage: 'victoria-metrics',
  env: 'VICTORIA_METRICS_BIN',
  otherNames: ['victoria-metrics-prod'],
};
/** VictoriaMetrics' rule evaluator: Prometheus-format rule files against its query API. */
export const VMALERT: DebianBinary = {
  binary: 'vmalert',
  debianPackage: 'victoria-metrics',
  env: 'VMALERT_BIN',
  otherNames: ['vmalert-prod'],
};

/** A forward proxy (CONNECT for HTTPS), as corporate networks and VPC egress proxies do. */
export const TINYPROXY: DebianBinary = {
  binary: 'tinyproxy',
  debianPackage: 'tinyproxy',
  env: 'TINYPROXY_BIN',
};

/**
 * A headless browser for the docs site's check (test/integration/docsSite.test.ts): Debian's
 * Chromium, driven from the command line, so nothing downloads a browser.
 */
export const CHROMIUM: DebianBinary = {
  binary: 'chromium',
  debianPackage: 'chromium',
  env: 'CHROMIUM_BIN',
  otherNames: ['chromium-browser', 'google-chrome'],
};

/** Every program of the table, for the docs (docs/reference/binaries.md) and its test. */
export const ALL_BINARIES: readonly DebianBinary[] = [
  PUSHGATEWAY,
  PROMTOOL,
  PROMETHEUS,
  ALERTMANAGER,
  AMTOOL,
  GRAPHITE_CARBON,
  WHISPER_FETCH,
  VICTORIA_METRICS,
  VMALERT,
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
];

/**
 * What to run for a program: its `<NAME>_BIN` when set (it must be executable), else the
 * first of its names on the PATH, else undefined.
 */
export function findBinary(
  tool: DebianBinary,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (tool.file !== undefined) return existsSync(tool.file) ? tool.file : undefined;
  const given = env[tool.env];
  if (given) {
    try {
      accessSync(given, constants.X_OK);
    } catch {
      throw new Error(
        `${tool.env}=${given} is not an executable file: point it at the ${tool.binary} program, or unset it to use the one on the PATH`,
      );
    }
    return given;
  }
  return [tool.binary, ...(tool.otherNames ?? [])].find((name) => isOnPath(name, env));
}

/** The program to run, or an error naming its package, its other names and its variable. */
export function binaryPath(tool: DebianBinary): string {
  const found = findBinary(tool);
  if (found !== undefined) return found;
  const names = [tool.binary, ...(tool.otherNames ?? [])].join(' or ');
  throw new Error(
    `${names} is not installed: install the Debian package ${tool.debianPackage} (apt-get install ${tool.debianPackage}; "npm test" and "npm start" do it when run as root), or set ${tool.env} to its path`,
  );
}

/** Whether `binary` is on the PATH of `env`. */
export function isOnPath(binary: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    spawnSync('/bin/sh', ['-c', `command -v ${binary}`], { stdio: 'ignore', env }).status === 0
  );
}

export function ensureDebianBinaries(binaries: DebianBinary[], log: (line: string) => void): void {
  const missing = binaries.filter((b) => findBinary(b) === undefined);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((b) => b.debianPackage))];
  const canInstall = process.getuid?.() === 0 && isOnPath('apt-get');
  if (!canInstall) {
    throw new Error(
      `missing ${missing.map((b) => b.binary).join(', ')}: install the Debian package(s) ${packages.join(' ')} ` +
        `(sudo apt-get install -y --no-install-recommends ${packages.join(' ')})`,
    );
  }
  log(
    `installing Debian package(s) ${packages.join(' ')} (needed: ${missing.map((b) => b.binary).join(', ')})`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
  const stillMissing = missing.filter((b) => findBinary(b) === undefined);
  if (stillMissing.length > 0) {
    throw new Error(
      `apt-get installed ${packages.join(' ')} but ${stillMissing.map((b) => b.binary).join(', ')} is still not on PATH`,
    );
  }
}
