/**
 * `npm run prometheus:config`: write the committed Prometheus configurations
 * (infra/prometheus/prometheus.yml, infra/compose/prometheus.yml) from their one source,
 * src/alerting/prometheusConfig.ts (a test fails when the committed files differ); or, with
 * --out, the Pushgateway scrape job for a Prometheus of your own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { pushgatewayJobConfig, SHIPPED_PROMETHEUS_CONFIGS } from '../src/alerting/prometheusConfig';
import { SHARED_ALERTING_DEFAULTS } from '../src/alerting/config';
import { describeError } from '../src/shared/errors';

const values = parseCommandLine(
  `Usage: npm run prometheus:config [-- --out FILE --pushgateways URL,… [--job NAME]]

Without options: writes ${Object.keys(SHIPPED_PROMETHEUS_CONFIGS).join(' and ')}
from src/alerting/prometheusConfig.ts (a test fails when the committed files differ).

With --out: writes FILE, the Pushgateway scrape job for your own Prometheus (honor_labels,
each Pushgateway its own instance), to merge into its scrape_configs. promtool accepts it.

Options:
  --out FILE               where to write the scrape job
  --pushgateways URL,…     the Pushgateways, as the collectors reach them
                           (functions.pushgatewayUrl), e.g. http://pushgateway:9091
  --job NAME               the job name (default ${SHARED_ALERTING_DEFAULTS.collectors.pushgatewayScrapeJob}; the alert rules read
                           alerting.collectors.pushgatewayScrapeJob, so set both alike)
  -h, --help               show this help
  -V, --version            print the version
`,
  {
    out: { type: 'string' },
    pushgateways: { type: 'string' },
    job: { type: 'string' },
  },
);

try {
  if (values.out) {
    const urls = (values.pushgateways ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean);
    writeFileSync(values.out, pushgatewayJobConfig(urls, values.job));
    process.stdout.write(`wrote ${values.out}\n`);
  } else if (values.pushgateways || values.job) {
    throw new Error('--pushgateways and --job go with --out FILE');
  } else
    for (const [path, text] of Object.entries(SHIPPED_PROMETHEUS_CONFIGS)) {
      writeFileSync(join(__dirname, '..', path), text);
      process.stdout.write(`wrote ${path}\n`);
    }
} catch (error) {
  process.stderr.write(`prometheus:config failed: ${describeError(error)}\n`);
  process.exit(1);
}
