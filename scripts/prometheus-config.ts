/**
 * `npm run prometheus:config`: write the committed Prometheus configurations
 * (infra/prometheus/prometheus.yml, infra/compose/prometheus.yml) from their one source,
 * src/alerting/prometheusConfig.ts. A test fails when the committed files differ.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { SHIPPED_PROMETHEUS_CONFIGS } from '../src/alerting/prometheusConfig';

parseCommandLine(
  `Usage: npm run prometheus:config

Writes ${Object.keys(SHIPPED_PROMETHEUS_CONFIGS).join(' and ')} from
src/alerting/prometheusConfig.ts (a test fails when the committed files differ).

Options:
  -h, --help  show this help
  -V, --version  print the version
`,
  {},
);

for (const [path, text] of Object.entries(SHIPPED_PROMETHEUS_CONFIGS)) {
  writeFileSync(join(__dirname, '..', path), text);
  process.stdout.write(`wrote ${path}\n`);
}
