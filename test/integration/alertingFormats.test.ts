/**
 * The export in each form people run Prometheus in, from one stage file, each checked by what
 * reads it: promtool for every rules form, amtool for an Alertmanager of a user's own with
 * our snippet merged in, and for AMP a stand-in that checks SigV4 and validates what it is
 * given the way AMP does (SNS receivers only; promtool and amtool behind it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type AmpStandin, startAmpStandin } from '../../dev/simulators/amp';
import { STANDIN_AWS } from '../../dev/simulators/secretsManager';
import { putToAmp, resetAmpForTests } from '../../src/alerting/amp';
import { stageAlertingFiles } from '../../src/deploy/alertingFiles';
import { ExportError } from '../../src/alerting/errors';
import { HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';
import { standinAwsEnv } from '../helpers/standinAws';
import { REPO_ROOT } from '../helpers/runProcess';
import { runTool } from '../helpers/tools';

const WORKSPACE = 'ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const TOPIC = 'arn:aws:sns:eu-central-1:123456789012:cdn-alerts';
const PAGER_TOPIC = 'arn:aws:sns:eu-central-1:123456789012:cdn-pager';
const dir = mkdtempSync(join(tmpdir(), 'alerting-formats-'));
const stageFile = join(dir, 'stage.yml');
writeFileSync(
  stageFile,
  `${readFileSync(join(REPO_ROOT, 'config', 'local.yml'), 'utf8')}
alerting:
  export:
    formats: [alertmanager-snippet, prometheus-operator, mimir, amp]
    namespace: cdn-edge
    kubernetes: { namespace: observability, labels: { release: kube-prometheus-stack } }
    amp:
      workspaceId: ${WORKSPACE}
      region: ${STANDIN_AWS.region}
      snsTopicArn: ${TOPIC}
      topics: { oncall-webhook: '${PAGER_TOPIC}' }
`,
);

// An Alertmanager of a team's own, comments and all, that our routes must join, not replace.
const EXISTING = `# Our team's Alertmanager: hand-kept.
global:
  resolve_timeout: 5m
route:
  receiver: team-email # the catch-all
  group_by: [alertname]
  routes:
    - receiver: db-pager
      matchers: [team="db"]
receivers:
  - name: team-email
    email_configs:
      - to: sre@acme.example
        from: am@acme.example
        smarthost: smtp.acme.example:587
  - name: db-pager
    webhook_configs:
      - url: https://pager.acme.example/hook
`;

/** `npm run alerting:export -- …args`, as a user runs it. */
const exportCli = (args: string[]) =>
  spawnSync('npx', ['tsx', 'scripts/alerting-export.ts', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });

const out = join(dir, 'out');
const existingFile = join(dir, 'alertmanager.yml');
writeFileSync(existingFile, EXISTING);
const exported = exportCli([
  '--stage-config',
  stageFile,
  '--out',
  out,
  '--templates-dir',
  join(out, 'templates'),
  '--merge-into',
  existingFile,
]);
const read = (name: string) => readFileSync(join(out, name), 'utf8');

/** promtool's verdict on rule groups, written as a plain rules file. */
function checkRules(groups: unknown): { status: number | null; output: string } {
  const file = join(dir, `rules-${Math.random().toString(16).slice(2)}.yml`);
  writeFileSync(file, stringify({ groups }));
  return runTool('promtool', ['check', 'rules', file]);
}

it('writes the files of each format the stage names, and no others', () => {
  expect(exported.status).toBe(0);
  expect(
    exported.stdout
      .trim()
      .split('\n')
      .map((line) => line.replace(`wrote ${out}/`, '')),
  ).toEqual([
    'rules.yml',
    'alertmanager-snippet.yml',
    'prometheus-operator/prometheusrule.yaml',
    'mimir/cdn-edge.yml',
    'amp/rules.yml',
    'amp/alertmanager-definition.yml',
    'templates/slack.tmpl',
    'alertmanager.merged.yml',
  ]);
});

it('gives every form the same rule groups, each accepted by promtool', () => {
  const rules = parse(read('rules.yml')) as { groups: unknown[] };
  expect(runTool('promtool', ['check', 'rules', join(out, 'rules.yml')]).status).toBe(0);

  const manifest = parse(read('prometheus-operator/prometheusrule.yaml')) as {
    spec: { groups: unknown[] };
  };
  expect(manifest).toMatchObject({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'cdn-edge',
      namespace: 'observability',
      labels: { release: 'kube-prometheus-stack' },
    },
  });
  expect(manifest.spec.groups).toEqual(rules.groups);
  expect(checkRules(manifest.spec.groups).status).toBe(0);

  // mimirtool rules load: one namespace per file, its groups beside it.
  const mimir = parse(read('mimir/cdn-edge.yml')) as { namespace: string; groups: unknown[] };
  expect(Object.keys(mimir)).toEqual(['namespace', 'groups']);
  expect(mimir.namespace).toBe('cdn-edge');
  expect(mimir.groups).toEqual(rules.groups);
  expect(checkRules(mimir.groups).status).toBe(0);

  expect(read('amp/rules.yml')).toBe(read('rules.yml'));
});

it('merges the route and receivers into an Alertmanager of your own, which amtool accepts', () => {
  const mergedFile = join(out, 'alertmanager.merged.yml');
  const check = runTool('amtool', ['check-config', mergedFile]);
  expect(check.output).toContain('SUCCESS');
  expect(check.status).toBe(0);

  const merged = readFileSync(mergedFile, 'utf8');
  // The user's file is still theirs: comments, global, their receivers and routes.
  expect(merged).toContain("# Our team's Alertmanager: hand-kept.");
  expect(merged).toContain('receiver: team-email # the catch-all');
  const config = parse(merged) as {
    global: unknown;
    route: { receiver: string; routes: Array<{ receiver: string; matchers: string[] }> };
    receivers: Array<{ name: string }>;
    time_intervals: Array<{ name: string }>;
    templates: string[];
  };
  expect(config.global).toEqual({ resolve_timeout: '5m' });
  expect(config.route.receiver).toBe('team-email');
  // Ours first, so no route of theirs takes our alerts before it; theirs after.
  expect(config.route.routes.map((r) => r.receiver)).toEqual([
    'cdn-edge-slack-default',
    'db-pager',
  ]);
  expect(config.route.routes[0]?.matchers).toEqual(['product="pushgate-collector"']);
  expect(config.receivers.map((r) => r.name)).toEqual([
    'team-email',
    'db-pager',
    'cdn-edge-slack-default',
    'cdn-edge-slack-critical',
    'cdn-edge-slack-info',
    'cdn-edge-slack-cdn',
    'cdn-edge-slack-network',
    'cdn-edge-oncall-webhook',
  ]);
  expect(config.time_intervals.map((t) => t.name)).toEqual(['cdn-edge-outside-business-hours']);
  expect(config.templates).toEqual([`${join(out, 'templates')}/*.tmpl`]);

  // The snippet alone is what the merge added.
  const snippet = parse(read('alertmanager-snippet.yml')) as { route: unknown };
  expect(config.route.routes[0]).toEqual(snippet.route);
});

it('merges again in place of its earlier merge, not beside it', () => {
  const again = exportCli([
    '--stage-config',
    stageFile,
    '--out',
    join(dir, 'again'),
    '--templates-dir',
    join(out, 'templates'),
    '--merge-into',
    join(out, 'alertmanager.merged.yml'),
  ]);
  expect(again.status).toBe(0);
  expect(readFileSync(join(dir, 'again', 'alertmanager.merged.yml'), 'utf8')).toBe(
    read('alertmanager.merged.yml'),
  );
});

it('refuses a file to merge into that is not an Alertmanager config, saying so', () => {
  const notAlertmanager = join(dir, 'prometheus.yml');
  writeFileSync(notAlertmanager, 'scrape_configs: []\n');
  const refused = exportCli([
    '--stage-config',
    stageFile,
    '--out',
    join(dir, 'refused'),
    '--merge-into',
    notAlertmanager,
  ]);
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain(
    `${notAlertmanager}: no route: this is not an Alertmanager config`,
  );
});

describe('Amazon Managed Service for Prometheus', () => {
  let amp: AmpStandin;
  const AWS_ENV = standinAwsEnv();
  const target = () => {
    const { amp: export_ } = stageAlertingFiles(stageFile, 'local', {
      templatesDir: join(out, 'templates'),
    });
    if (!export_) throw new Error('the stage names the amp format: its export must be there');
    return export_;
  };
  const put = (t = target(), env: Record<string, string | undefined> = {}) =>
    withEnv({ ...AWS_ENV, AWS_ENDPOINT_URL_AMP: amp.endpoint, ...env }, () => {
      resetAmpForTests();
      return putToAmp(t, { remainingMs: () => 20_000 });
    });

  beforeAll(async () => {
    amp = await startAmpStandin([WORKSPACE]);
  });
  afterAll(() => amp.stop());

  it('routes every receiver to SNS, the only receiver AMP takes, with the Slack template as the message', () => {
    const definition = parse(read('amp/alertmanager-definition.yml')) as {
      template_files: Record<string, string>;
      alertmanager_config: string;
    };
    expect(Object.keys(definition.template_files)).toEqual(['slack.tmpl']);
    const config = parse(definition.alertmanager_config) as {
      receivers: Array<{ name: string; sns_configs: Array<Record<string, unknown>> }>;
      templates: string[];
    };
    expect(config.templates).toEqual(['slack.tmpl']);
    for (const receiver of config.receivers) {
      expect(Object.keys(receiver)).toEqual(['name', 'sns_configs']);
      expect(receiver.sns_configs[0]).toMatchObject({
        topic_arn: receiver.name === 'oncall-webhook' ? PAGER_TOPIC : TOPIC,
        sigv4: { region: STANDIN_AWS.region },
        message: '{{ template "pushgate.slack.text" . }}',
        attributes: { receiver: receiver.name },
      });
    }
    expect(
      config.receivers.find((r) => r.name === 'slack-cdn')?.sns_configs[0]?.attributes,
    ).toEqual({ receiver: 'slack-cdn', channel: '#cdn-alerts' });
  });

  it('creates the rule groups namespace and the alert manager definition, signed, and leaves them when unchanged', async () => {
    const first = await put();
    expect(first).toEqual({
      written: ['rule-groups-namespace/cdn-edge', 'alert-manager-definition'],
      unchanged: [],
    });
    expect(amp.calls.map((c) => [c.operation, c.status])).toEqual([
      ['DescribeRuleGroupsNamespace', 404],
      ['CreateRuleGroupsNamespace', 202],
      ['DescribeAlertManagerDefinition', 404],
      ['CreateAlertManagerDefinition', 202],
    ]);
    expect(amp.calls.every((c) => c.accessKeyId === STANDIN_AWS.accessKeyId)).toBe(true);
    expect(amp.namespaces.get(`${WORKSPACE}/cdn-edge`)).toBe(read('amp/rules.yml'));
    expect(amp.definitions.get(WORKSPACE)).toBe(read('amp/alertmanager-definition.yml'));

    amp.calls.length = 0;
    expect(await put()).toEqual({
      written: [],
      unchanged: ['rule-groups-namespace/cdn-edge', 'alert-manager-definition'],
    });
    expect(amp.calls.map((c) => c.operation)).toEqual([
      'DescribeRuleGroupsNamespace',
      'DescribeAlertManagerDefinition',
    ]);
  });

  it('puts what changed', async () => {
    const changed = { ...target(), rules: read('amp/rules.yml').replace('for: 6m', 'for: 7m') };
    amp.calls.length = 0;
    expect(await put(changed)).toEqual({
      written: ['rule-groups-namespace/cdn-edge'],
      unchanged: ['alert-manager-definition'],
    });
    expect(amp.calls.map((c) => [c.operation, c.status])).toContainEqual([
      'PutRuleGroupsNamespace',
      202,
    ]);
    expect(amp.namespaces.get(`${WORKSPACE}/cdn-edge`)).toContain('for: 7m');
  });

  it("refuses what AMP would refuse, with AMP's reason and what to do", async () => {
    // A whole alertmanager.yml of Slack receivers: AMP takes SNS only.
    const slack = {
      ...target(),
      alertManagerDefinition: stringify({
        alertmanager_config: stringify({
          route: { receiver: 'slack' },
          receivers: [
            {
              name: 'slack',
              slack_configs: [{ channel: '#x', api_url: 'https://hooks.slack.com/x' }],
            },
          ],
        }),
      }),
    };
    const error = await put(slack).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).message).toContain(
      `cannot put the alert manager definition of ${WORKSPACE}: ValidationException: receiver slack: only sns_configs are supported, not slack_configs`,
    );
    expect((error as ExportError).hint).toContain('npm run alerting:export');

    const broken = {
      ...target(),
      rules: 'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: rate(\n',
    };
    const refused = (await put(broken).catch((e: unknown) => e)) as ExportError;
    expect(refused.message).toContain('cannot put the rule groups namespace cdn-edge');
    expect(refused.message).toContain('ValidationException');
  });

  it('names the workspace and the way out when it does not exist or the signature is refused', async () => {
    const missing = (await put({ ...target(), workspaceId: 'ws-gone' }).catch(
      (e: unknown) => e,
    )) as ExportError;
    expect(missing).toBeInstanceOf(ExportError);
    expect(missing.message).toContain(
      'cannot create the rule groups namespace cdn-edge in ws-gone: ResourceNotFoundException: Workspace ws-gone not found',
    );
    expect(missing.hint).toContain('no workspace ws-gone in eu-central-1');

    const unsigned = (await put(target(), {
      AWS_SECRET_ACCESS_KEY: 'not-the-secret-access-key-0000000000000',
    }).catch((e: unknown) => e)) as ExportError;
    expect(unsigned).toBeInstanceOf(ExportError);
    expect(unsigned.message).toContain('InvalidSignatureException');
    expect(unsigned.message).not.toContain('not-the-secret-access-key');
  });

  it("is where the exportAlerting function puts the stage's rules and routes, after writing its files", async () => {
    const rendered = stageAlertingFiles(stageFile, 'local', {
      templatesDir: join(out, 'templates'),
    });
    const s3 = mockClient(S3Client);
    s3.on(HeadObjectCommand).rejects(
      new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(PutObjectCommand).resolves({});
    amp.namespaces.clear();
    amp.definitions.clear();
    amp.calls.length = 0;
    // The function as packaged for this stage: its rendered module is the stage's.
    type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
    let handler: Handler = () => Promise.reject(new Error('not loaded'));
    jest.isolateModules(() => {
      jest.doMock('../../src/alerting/rendered.gen', () => ({
        RENDERED_ALERTING_FILES: rendered.files,
        RENDERED_AMP_EXPORT: rendered.amp,
      }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = (require('../../src/handlers/export-alerting') as { handler: Handler }).handler;
    });
    const { error, lines } = await withEnv(
      {
        ...AWS_ENV,
        AWS_ENDPOINT_URL_AMP: amp.endpoint,
        ALERTING_BUCKET: 'alerts-bucket',
        ALERTING_PREFIX: 'alerting/',
        ALERTING_OUT_DIR: undefined,
      },
      () => captureStdout(() => handler({}, lambdaContext(30_000, 'exportAlerting'))),
    );
    s3.restore();
    expect(error).toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toContain(
      'alerting/prometheus-operator/prometheusrule.yaml',
    );
    expect(amp.namespaces.get(`${WORKSPACE}/cdn-edge`)).toBe(read('amp/rules.yml'));
    expect(amp.definitions.get(WORKSPACE)).toBe(read('amp/alertmanager-definition.yml'));
    const summary = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'alerting exported');
    expect(summary?.amp).toEqual({
      workspace: WORKSPACE,
      written: ['rule-groups-namespace/cdn-edge', 'alert-manager-definition'],
      unchanged: [],
    });
  });
});
