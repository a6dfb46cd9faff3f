/**
 * `npm run release`: one archive of this version's artifacts, the same bytes every time from
 * the same sources, each file one the tools it is for accept.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar';
import { version } from '../../package.json';
import { runProcess } from '../helpers/runProcess';
import { runTool } from '../helpers/tools';

const release = (args: string[]) => runProcess('npx', ['tsx', 'scripts/release.ts', ...args]);

it('builds one archive of the rules, routes, dashboards, schema and changelog, the same twice', async () => {
  const [one, two] = [
    mkdtempSync(join(tmpdir(), 'release-')),
    mkdtempSync(join(tmpdir(), 'release-')),
  ];
  const first = await release(['--out', one, '--unreleased']);
  const second = await release(['--out', two, '--unreleased']);
  expect(first.code).toBe(0);
  const sha = (output: string) => /^sha256 ([0-9a-f]{64})$/m.exec(output)?.[1];
  expect(sha(first.stdout)).toBeDefined();
  expect(sha(second.stdout)).toBe(sha(first.stdout));

  const name = `pushgate-collector-${version}-unreleased`;
  await extract({ file: join(one, `${name}.tar.gz`), cwd: one });
  const dir = join(one, name);
  expect(readFileSync(join(dir, 'VERSION'), 'utf8')).toBe(`${version}\n`);
  expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toMatch(/^## \[Unreleased\]\n/);
  expect(
    runTool('promtool', ['check', 'rules', join(dir, 'alerting', 'rules.yml')]).output,
  ).toContain('SUCCESS');
  expect(
    runTool('amtool', ['check-config', join(dir, 'alerting', 'alertmanager.yml')]).output,
  ).toContain('SUCCESS');
  expect(readFileSync(join(dir, 'alerting', 'alertmanager-snippet.yml'), 'utf8')).toContain(
    'receivers:',
  );
  const dashboards = readdirSync(join(dir, 'grafana', 'dashboards'));
  expect(dashboards).toEqual(
    expect.arrayContaining(['cdn-status-codes.json', 'collector-health.json']),
  );
  for (const file of dashboards)
    expect(
      (
        JSON.parse(readFileSync(join(dir, 'grafana', 'dashboards', file), 'utf8')) as {
          uid?: string;
        }
      ).uid,
    ).toBeTruthy();
  expect(
    readFileSync(
      join(dir, 'grafana', 'provisioning', 'dashboards', 'pushgate-collector.yml'),
      'utf8',
    ),
  ).toContain('path: /var/lib/grafana/dashboards');
  expect(JSON.parse(readFileSync(join(dir, 'stage.schema.json'), 'utf8'))).toHaveProperty(
    '$schema',
  );
}, 120_000);

it('refuses a release whose version has no CHANGELOG section, saying how to cut one', async () => {
  const result = await release(['--out', mkdtempSync(join(tmpdir(), 'release-'))]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`CHANGELOG.md has no "## [${version}]" section`);
  expect(result.stderr).toContain('or build with --unreleased');
});
