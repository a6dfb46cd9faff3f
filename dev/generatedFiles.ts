import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Write generated files under `root`, or with `check` only compare them with what is
 * committed: a stale one is listed with the command that regenerates it, and the process
 * exits 1 (CI). The generators of dashboards/, config/stage.schema.json and the settings
 * reference share this.
 */
export function writeGenerated(
  root: string,
  files: Readonly<Record<string, string>>,
  { check, command }: { check: boolean; command: string },
): void {
  const stale: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const path = join(root, file);
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(file);
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  if (stale.length > 0) {
    process.stderr.write(
      `out of date: ${stale.join(', ')}. Run "${command}" and commit the result.\n`,
    );
    process.exit(1);
  }
  if (check) process.stdout.write(`up to date: ${Object.keys(files).join(', ')}\n`);
}
