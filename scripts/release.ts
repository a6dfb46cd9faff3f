/**
 * `npm run release`: the release artifacts of this version as one archive, for users who wire
 * the product into a stack of their own without a checkout: the alert rules and the
 * Alertmanager configuration in every export format, the Grafana dashboards as a provisioning
 * folder ready to mount, the stage file's JSON Schema, the generated reference pages, and this
 * version's CHANGELOG section.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { create } from 'tar';
import { parseCommandLine } from '../dev/cli';
import { DEFAULT_ALERTING_CONFIG } from '../src/deploy/stage/alerting';
import { alertingFiles, shippedDashboards } from '../src/deploy/alertingFiles';
import { renderDashboard } from '../src/dashboards';
import { PRODUCT_NAME } from '../src/constants';
import { ConfigurationError, describeError } from '../src/shared/errors';

const root = join(__dirname, '..');

const values = parseCommandLine(
  `Usage: npm run release [-- --out DIR] [--unreleased]

Builds DIR/${PRODUCT_NAME}-<version>.tar.gz (the version of package.json) holding:
  alerting/            rules.yml, alertmanager.yml, alertmanager-snippet.yml, templates/,
                       prometheus-operator/, mimir/: the default alert rules and routes
  grafana/             provisioning/dashboards/${PRODUCT_NAME}.yml and dashboards/*.json:
                       mount it as /etc/grafana/provisioning and /var/lib/grafana/dashboards
  stage.schema.json    the stage file's JSON Schema
  reference/           the generated reference pages (stage file, settings, metrics, alerts, …)
  CHANGELOG.md         this version's section
and prints the archive's SHA-256.

Options:
  --out DIR        where to write the archive (default .tmp/release)
  --unreleased     a build of the CHANGELOG's Unreleased section, named <version>-unreleased
  -h, --help       show this help
  -V, --version    print the version
`,
  {
    out: { type: 'string', default: join(root, '.tmp', 'release') },
    unreleased: { type: 'boolean', default: false },
  },
);

/** The CHANGELOG section of `heading` ("0.1.0" or "Unreleased"), its heading included. */
export function changelogSection(changelog: string, heading: string): string | undefined {
  const lines = changelog.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## [${heading}]`));
  if (start === -1) return undefined;
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## ['));
  return `${lines
    .slice(start, end === -1 ? undefined : end)
    .join('\n')
    .trimEnd()}\n`;
}

async function release(): Promise<void> {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const heading = values.unreleased ? 'Unreleased' : version;
  const section = changelogSection(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), heading);
  if (!section)
    throw new ConfigurationError(`CHANGELOG.md has no "## [${heading}]" section`, {
      hint: `move what is under Unreleased to "## [${version}] - <date>" (and "npm version" the next one), or build with --unreleased`,
    });
  const name = `${PRODUCT_NAME}-${version}${values.unreleased ? '-unreleased' : ''}`;

  const { files: alerting } = alertingFiles(
    {
      ...DEFAULT_ALERTING_CONFIG,
      export: {
        ...DEFAULT_ALERTING_CONFIG.export,
        formats: ['prometheus', 'alertmanager-snippet', 'prometheus-operator', 'mimir'],
      },
    },
    { templatesDir: '/etc/alertmanager/templates', runbooksDir: join(root, 'docs', 'runbooks') },
  );
  const files: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(alerting).map(([path, text]) => [`alerting/${path}`, text]),
    ),
    ...Object.fromEntries(
      Object.entries(shippedDashboards()).map(([file, dashboard]) => [
        `grafana/dashboards/${file}`,
        renderDashboard(dashboard),
      ]),
    ),
    [`grafana/provisioning/dashboards/${PRODUCT_NAME}.yml`]: readFileSync(
      join(root, 'infra', 'grafana', 'provisioning', 'dashboards', `${PRODUCT_NAME}.yml`),
      'utf8',
    ),
    'stage.schema.json': readFileSync(join(root, 'config', 'stage.schema.json'), 'utf8'),
    ...Object.fromEntries(
      readdirSync(join(root, 'docs', 'reference'))
        .filter((file) => file.endsWith('.md'))
        .map((file) => [
          `reference/${file}`,
          readFileSync(join(root, 'docs', 'reference', file), 'utf8'),
        ]),
    ),
    'CHANGELOG.md': section,
    VERSION: `${version}\n`,
  };

  const staging = mkdtempSync(join(tmpdir(), 'release-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(staging, name, path)), { recursive: true });
      writeFileSync(join(staging, name, path), text);
    }
    const out = resolve(values.out);
    mkdirSync(out, { recursive: true });
    const archive = join(out, `${name}.tar.gz`);
    // Fixed times and owners: the same sources give the same archive.
    await create({ gzip: true, file: archive, cwd: staging, portable: true, mtime: new Date(0) }, [
      name,
    ]);
    const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
    process.stdout.write(
      `wrote ${archive} (${Object.keys(files).length} files)\nsha256 ${sha256}\n`,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

release().catch((error: unknown) => {
  process.stderr.write(`release failed: ${describeError(error)}\n`);
  process.exit(1);
});
