import { version } from '../../package.json';
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
  expect(stdout).toContain('estats,synthetic,scrape,janitor,exportAlerting');
  for (const sink of ['pushgateway', 'remote-write', 'graphite']) expect(stdout).toContain(sink);
});

it('npm run bench --help documents every BENCH_ variable the bench reads', async () => {
  const { stdout } = await tsx(SCRIPTS.bench ?? '', ['--help']);
  const { stdout: read } = await runProcess('grep', ['-rhoE', 'BENCH_[A-Z_]+', 'bench']);
  const variables = [...new Set(read.split('\n').filter(Boolean))];
  expect(variables.length).toBeGreaterThan(3);
  for (const variable of variables) expect(stdout).toContain(variable);
});
