/**
 * `npm run dashboards:build`: write the Grafana dashboards generated from src/dashboards into
 * dashboards/. `--check` fails when the committed JSON differs (CI runs it).
 */
import { join } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { writeGenerated } from '../dev/generatedFiles';
import { renderDashboard } from '../src/dashboards';
import { shippedDashboards } from '../src/deploy/alertingFiles';

const HELP = `Usage: npm run dashboards:build [-- --check]

Writes the Grafana dashboards generated from src/dashboards into dashboards/*.json.

Options:
  --check     do not write; exit 1 if dashboards/ differs from what would be written (CI)
  -h, --help  show this help
  -V, --version  print the version
`;
const { check } = parseCommandLine(HELP, { check: { type: 'boolean', default: false } });
writeGenerated(
  join(__dirname, '..'),
  Object.fromEntries(
    Object.entries(shippedDashboards()).map(([file, dashboard]) => [
      join('dashboards', file),
      renderDashboard(dashboard),
    ]),
  ),
  { check, command: 'npm run dashboards:build' },
);
