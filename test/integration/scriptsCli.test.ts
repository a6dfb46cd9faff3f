import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { version } from '../../package.json';
import { runTool } from '../helpers/tools';
import { runProcess } from '../helpers/runProcess';

/**
 * Every npm script's command line: `--help` prints its usage and exits 0 before doing any
 * work; an unknown flag says which, shows the usage and exits 2, without a stack trace.
 */
const SCRIPTS: Record<string, string> = {
  start: 'dev/start.ts',
  'alerting:export': 'scripts/alerting-export.ts',
  janitor: 'scripts/janitor.ts',
  bench: 'scripts/bench.ts',
  'dashboards:build': 'scripts/dashboards-build.ts',
  'config:generate': 'scripts/config-generate.ts',
  'prometheus:config': 'scripts/prometheus-config.ts',
  'targets:discover': 'scripts/targets-discover.ts',
  release: 'scripts/release.ts',
  doctor: 'scripts/doctor.ts',
};
const tsx = (file: string, args: string[]) => runProcess('npx', ['tsx', file, ...args]);

describe.each(Object.entries(SCRIPTS))('npm run %s', (_script, file) => {
  it('prints its usage for --help and exits 0', async () => {
    const result = await tsx(file, ['--help']);
    expect(result.stdout).toMatch(/^Usage: /);
    expect(result.stdout).toContain('-h, --help');
    expect(result.stdout).toContain('-V, --version');
    expect(result.code).toBe(0);
  });

  it('prints the version of package.json for --version and exits 0', async () => {
    const result = await tsx(file, ['--version']);
    expect(result.stdout).toBe(`pushgate-collector ${version}\n`);
    expect(result.code).toBe(0);
  });

  it('refuses an unknown flag with a clear message and the usage, exit code 2', async () => {
    const result = await tsx(file, ['--bogus']);
    expect(result.stderr).toMatch(/^error: Unknown option '--bogus'/);
    expect(result.stderr).toContain('Usage: ');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(2);
  });
});

it('npm start --help names every scheduled function and every sink', async () => {
  const { stdout } = await tsx(SCRIPTS.start ?? '', ['--help']);
  expect(stdout).toContain('estats,synthetic,scrape,traffic,janitor,exportAlerting');
  for (const sink of ['pushgateway', 'remote-write', 'graphite']) expect(stdout).toContain(sink);
});

it('npm run bench --help documents every BENCH_ variable the bench reads', async () => {
  const { stdout } = await tsx(SCRIPTS.bench ?? '', ['--help']);
  const { stdout: read } = await runProcess('grep', ['-rhoE', 'BENCH_[A-Z_]+', 'bench']);
  const variables = [...new Set(read.split('\n').filter(Boolean))];
  expect(variables.length).toBeGreaterThan(3);
  for (const variable of variables) expect(stdout).toContain(variable);
});

describe('npm run prometheus:config -- --out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-job-'));

  it('writes the Pushgateway scrape job for your own Prometheus, which promtool accepts', async () => {
    const out = join(dir, 'pushgateway-job.yml');
    const result = await tsx(SCRIPTS['prometheus:config'] ?? '', [
      '--out',
      out,
      '--pushgateways',
      'https://pg-a.example:9443/gw,https://pg-b.example:9443/gw',
      '--job',
      'pushgateway-cdn',
    ]);
    expect(result.code).toBe(0);
    const job = (
      parse(readFileSync(out, 'utf8')) as { scrape_configs: Array<Record<string, unknown>> }
    ).scrape_configs;
    expect(job).toEqual([
      expect.objectContaining({
        job_name: 'pushgateway-cdn',
        honor_labels: true,
        scheme: 'https',
        metrics_path: '/gw/metrics',
        static_configs: [{ targets: ['pg-a.example:9443', 'pg-b.example:9443'] }],
      }),
    ]);
    expect(runTool('promtool', ['check', 'config', out]).output).toContain('SUCCESS');
  });

  it.each([
    ['http://collector:s3cret@pg:9091', 'http://***:***@pg:9091 holds credentials', 's3cret'],
    ['http://pg-a:9091,https://pg-b:9091', 'is not reached as http://pg-a:9091/ is', undefined],
    ['', 'no Pushgateway named', undefined],
  ])('refuses --pushgateways %j, saying why', async (urls, message, secret) => {
    const result = await tsx(SCRIPTS['prometheus:config'] ?? '', [
      '--out',
      join(dir, 'refused.yml'),
      '--pushgateways',
      urls,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    if (secret) expect(result.stderr).not.toContain(secret);
    expect(existsSync(join(dir, 'refused.yml'))).toBe(false);
  });
});
