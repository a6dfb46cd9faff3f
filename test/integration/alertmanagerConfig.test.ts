import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAlertingFiles } from '../../src/deploy/stage/alerting';
import { DEFAULT_ALERTING_CONFIG } from '../../src/deploy/stage/alerting';
import {
  routingTableMarkdown,
  ruleTeams,
  SEVERITIES,
  tableTeams,
} from '../../src/alerting/routingTable';
import { matchRoute } from '../../src/alerting/validate';
import { runTool } from '../helpers/tools';

/** The rendered Alertmanager config, checked and routed by the real amtool. */
const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
const options = {
  templatesDir: join(dir, 'templates'),
  links: { prometheus: 'https://prom.example.net', alertmanager: 'https://am.example.net' },
};
const { files } = buildAlertingFiles(DEFAULT_ALERTING_CONFIG, options);
mkdirSync(join(dir, 'templates'));
for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
const config = join(dir, 'alertmanager.yml');

/** Receivers an alert with these labels reaches, according to amtool. */
function routesOf(labels: Record<string, string>): string[] {
  const args = [
    'config',
    'routes',
    'test',
    `--config.file=${config}`,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  ];
  const result = runTool('amtool', args);
  if (result.status !== 0 && !result.output) throw new Error(`amtool failed: ${result.output}`);
  return result.stdout
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
}

describe('Alertmanager configuration', () => {
  it('passes amtool check-config, templates included', () => {
    const result = runTool('amtool', ['check-config', config]);
    expect(result.output).toMatch(/- 1 templates\s+SUCCESS/);
    expect(result.status).toBe(0);
  });

  it("renders its Slack text with amtool's example alerts, links included", () => {
    const result = runTool('amtool', [
      'template',
      'render',
      `--template.glob=${join(dir, 'templates', '*.tmpl')}`,
      '--template.text={{ template "pushgate.slack.text" . }}',
    ]);
    expect(result.status).toBe(0);
    // amtool's example alert: its every label, quoted and URL-encoded, in the silence filter.
    expect(result.stdout).toContain(
      '• Silence: <https://am.example.net/#/silences/new?filter=%7Bbaz%3D%22qux%22%2Ccommonlabelkey1%3D%22commonlabelvalue1%22%2Ccommonlabelkey2%3D%22commonlabelvalue2%22%2Cfoo%3D%22bar%22%7D|',
    );
    expect(result.stdout).toContain('• Graph: <');
  });

  it.each([
    [
      { alertname: 'AkamaiEdge5xxRatioHigh', severity: 'critical', team: 'cdn', cp_code: '1' },
      ['oncall-webhook', 'slack-critical', 'slack-cdn'],
    ],
    [{ alertname: 'AkamaiEdgeFailureRatioHigh', severity: 'warning', team: 'cdn' }, ['slack-cdn']],
    [
      { alertname: 'SyntheticPortLinkDown', severity: 'warning', team: 'network' },
      ['slack-network'],
    ],
    [{ alertname: 'SyntheticDeviceRebooted', severity: 'info', team: 'network' }, ['slack-info']],
    [
      { alertname: 'PushgatewaysAllDown', severity: 'critical', team: 'observability' },
      ['oncall-webhook', 'slack-critical'],
    ],
    [
      { alertname: 'PushgatewayDown', severity: 'warning', team: 'observability' },
      ['slack-default'],
    ],
    [
      { alertname: 'CollectorGroupStale', severity: 'warning', team: 'observability' },
      ['slack-default'],
    ],
    [{ alertname: 'SomethingElse', severity: 'warning' }, ['slack-default']],
  ])('routes %j to %j', (labels, receivers) => {
    expect(routesOf(labels)).toEqual(receivers);
  });

  it('routes every (team, severity) pair as docs/reference/routing.md says, and the critical channel gets every critical alert', () => {
    const { alertmanager, rules } = buildAlertingFiles(DEFAULT_ALERTING_CONFIG, options);
    const teams = tableTeams(alertmanager, ruleTeams(rules));
    expect(teams).toEqual(expect.arrayContaining(['cdn', 'network', 'observability']));
    for (const team of [...teams, undefined])
      for (const severity of SEVERITIES) {
        const labels = { alertname: 'Any', severity, ...(team ? { team } : {}) };
        const routed = routesOf(labels);
        expect([labels, routed]).toEqual([labels, matchRoute(alertmanager.route, labels)]);
        if (severity === 'critical')
          expect([labels, routed]).toEqual([labels, expect.arrayContaining(['slack-critical'])]);
      }
    // The reference page is the shipped stage's, as written by alerting:export.
    const reference = readFileSync(
      join(__dirname, '..', '..', 'docs', 'reference', 'routing.md'),
      'utf8',
    );
    expect(reference).toContain(routingTableMarkdown(alertmanager, ruleTeams(rules)));
  });

  it("refers to each channel's Slack webhook by a file of its own only", () => {
    const am = files['alertmanager.yml'] ?? '';
    const channels = [...am.matchAll(/channel: ['"]?(#[a-z-]+)/g)].map((m) => m[1]);
    expect(channels).toEqual(
      expect.arrayContaining(['#alerts', '#alerts-critical', '#alerts-info', '#cdn-alerts']),
    );
    for (const channel of channels)
      expect(am).toContain(`api_url_file: /etc/alertmanager/secrets/slack/${channel?.slice(1)}`);
    expect(am).not.toMatch(/hooks\.slack\.com|api_url:/);
    expect(am).toContain('send_resolved: true');
    expect(am).not.toContain('send_resolved: false');
  });
});

describe('rendering', () => {
  it('is byte-identical for the same input', () => {
    const again = buildAlertingFiles(DEFAULT_ALERTING_CONFIG, options).files;
    expect(again).toEqual(files);
  });

  it('matches the committed copy in infra/alerting (CI fails on a stale copy)', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/alerting-export.ts', '--check'],
      { cwd: join(__dirname, '..', '..'), encoding: 'utf8' },
    );
    expect(`${result.stdout}${result.stderr}`).toContain('is up to date');
    expect(result.status).toBe(0);
  });

  it("renders a remote-write stage's files that promtool and amtool accept, and refuses unknown sinks", () => {
    const out = mkdtempSync(join(tmpdir(), 'alerting-rw-'));
    const exportFor = (sinks: string) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/alerting-export.ts',
          ...['--out', out, '--sinks', sinks, '--templates-dir', join(out, 'templates')],
        ],
        { cwd: join(__dirname, '..', '..'), encoding: 'utf8' },
      );
    const written = exportFor('remote-write');
    expect(written.stderr).toBe('');
    expect(written.status).toBe(0);
    const rules = runTool('promtool', ['check', 'rules', join(out, 'rules.yml')]);
    expect(rules.output).toContain('SUCCESS');
    expect(readFileSync(join(out, 'rules.yml'), 'utf8')).toContain('alert: CollectorSilent');
    const amConfig = runTool('amtool', ['check-config', join(out, 'alertmanager.yml')]);
    expect(amConfig.output).toContain('SUCCESS');
    const refused = exportFor('pushgatway');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'alerting export failed: --sinks="pushgatway" names unknown sink(s) pushgatway',
    );
  });
});
