/**
 * `npm run dashboards:build`: write the Grafana dashboards generated from src/dashboards into
 * dashboards/. `--check` fails when the committed JSON differs (CI runs it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { allDashboards, renderDashboard } from '../src/dashboards';

const HELP = `Usage: npm run dashboards:build [-- --check]

Writes the Grafana dashboards generated from src/dashboards into dashboards/*.json.

Options:
  --check     do not write; exit 1 if dashboards/ differs from what would be written (CI)
  -h, --help  show this help
`;
const { check } = parseCommandLine(HELP, { check: { type: 'boolean', default: false } });
const dir = join(__dirname, '..', 'dashboards');
const stale: string[] = [];
for (const [file, dashboard] of Object.entries(allDashboards())) {
  const path = join(dir, file);
  const json = renderDashboard(dashboard);
  if (check) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== json) stale.push(file);
  } else {
    writeFileSync(path, json);
    process.stdout.write(`wrote ${path}\n`);
  }
}
if (stale.length > 0) {
  process.stderr.write(
    `dashboards/ is out of date: ${stale.join(', ')}. Run "npm run dashboards:build" and commit the result.\n`,
  );
  process.exit(1);
}
if (check) process.stdout.write('dashboards/ is up to date\n');
