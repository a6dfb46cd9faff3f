import { execFileSync, spawnSync } from 'node:child_process';

/**
 * The real Prometheus-stack binaries come from Debian packages; this is the one table of which
 * binary comes from which package. When one is missing we install it (as root, with apt-get)
 * or stop with a message naming the package: a test that needs a real binary is never skipped.
 */
export interface DebianBinary {
  binary: string;
  debianPackage: string;
}

export const PUSHGATEWAY: DebianBinary = {
  binary: 'prometheus-pushgateway',
  debianPackage: 'prometheus-pushgateway',
};
export const PROMTOOL: DebianBinary = { binary: 'promtool', debianPackage: 'prometheus' };
export const PROMETHEUS: DebianBinary = { binary: 'prometheus', debianPackage: 'prometheus' };
export const ALERTMANAGER: DebianBinary = {
  binary: 'prometheus-alertmanager',
  debianPackage: 'prometheus-alertmanager',
};
export const AMTOOL: DebianBinary = { binary: 'amtool', debianPackage: 'prometheus-alertmanager' };
export const GRAPHITE_CARBON: DebianBinary = {
  binary: 'carbon-cache',
  debianPackage: 'graphite-carbon',
};
export const WHISPER_FETCH: DebianBinary = {
  binary: 'whisper-fetch',
  debianPackage: 'python3-whisper',
};
export const VICTORIA_METRICS: DebianBinary = {
  binary: 'victoria-metrics',
  debianPackage: 'victoria-metrics',
};
/** VictoriaMetrics' rule evaluator: Prometheus-format rule files against its query API. */
export const VMALERT: DebianBinary = { binary: 'vmalert', debianPackage: 'victoria-metrics' };

/** A forward proxy (CONNECT for HTTPS), as corporate networks and VPC egress proxies do. */
export const TINYPROXY: DebianBinary = { binary: 'tinyproxy', debianPackage: 'tinyproxy' };

export function isOnPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

export function ensureDebianBinaries(binaries: DebianBinary[], log: (line: string) => void): void {
  const missing = binaries.filter((b) => !isOnPath(b.binary));
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
  const stillMissing = missing.filter((b) => !isOnPath(b.binary));
  if (stillMissing.length > 0) {
    throw new Error(
      `apt-get installed ${packages.join(' ')} but ${stillMissing.map((b) => b.binary).join(', ')} is still not on PATH`,
    );
  }
}
