import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { build } from 'esbuild';
import { join } from 'node:path';
import { estatsScheduleOf } from '../../src/deploy/stage';
import { SHIPPED_PROMETHEUS_CONFIGS } from '../../src/alerting/prometheusConfig';
import { resolveTickSeconds } from '../../src/config/synthetic';
import { parseFleet } from '../../src/synthetic/fleetConfig';
import { serverlessPackage } from '../helpers/serverlessPackage';
import { runTool } from '../helpers/tools';
import {
  REAL_LOOKING_PARAMS,
  REAL_LOOKING_TARGETS,
  writeStageConfig,
} from '../helpers/stageConfig';

/** What serverless.yml's custom.alertingFiles hands infra/serverless/esbuild-plugins.js. */
interface AlertingTarget {
  stage: string;
  stageConfig?: string;
  sinks?: string;
}

/** What ships in serverless.yml and infra/ must be valid for the tools that read it. */
const root = join(__dirname, '..', '..');

/** `serverless print` of a stage; one but `local` gets a Pushgateway that is not loopback. */
function print(
  stage: string,
  args: string[] = [],
  params = stage === 'local' ? [] : REAL_LOOKING_PARAMS,
) {
  return spawnSync(
    'npx',
    ['serverless', 'print', '--format', 'json', '--stage', stage, ...params, ...args],
    { cwd: root, encoding: 'utf8' },
  );
}

function serverlessPrint(stage: string, args: string[] = []): Record<string, unknown> {
  const result = print(stage, args);
  if (result.status !== 0)
    throw new Error(`serverless print failed:\n${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as Record<string, unknown>;
}

interface Config {
  functions: Record<
    string,
    {
      handler: string;
      timeout: number;
      environment?: Record<string, string>;
      maximumRetryAttempts?: number;
      maximumEventAge?: number;
      destinations?: { onFailure?: { type: string } };
      events: Array<{
        schedule?: {
          rate: string[];
          input?: unknown;
          inputTransformer?: { inputPathsMap: Record<string, string>; inputTemplate: string };
        };
      }>;
    }
  >;
  provider: { environment: Record<string, string> };
}

interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown;
}

/** The statements of one function's own role (infra/serverless/roles.js). */
function roleStatements(config: unknown, role: string): Statement[] {
  const resources = (
    config as {
      resources: {
        Resources: Record<
          string,
          { Properties: { Policies: Array<{ PolicyDocument: { Statement: Statement[] } }> } }
        >;
      };
    }
  ).resources.Resources;
  return resources[role]?.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement) ?? [];
}

describe('deployment configuration', () => {
  // A cloud stage with a schedule file of its own (not the examples).
  const dev = serverlessPrint('dev', [
    `--param=stageConfig=${writeStageConfig()}`,
  ]) as unknown as Config;

  it("takes a stage's schedules and targets from its own file", () => {
    const schedule = dev.functions.estats?.events[0]?.schedule;
    const input = schedule ? estatsScheduleOf({ schedule }) : undefined;
    expect(input?.targets).toEqual([
      { cpCode: REAL_LOOKING_TARGETS.cpCode, delivery: 'STANDARD_TLS' },
      { url: REAL_LOOKING_TARGETS.url },
    ]);
  });

  it('refuses a stage without a file, or whose file still lists the example targets', () => {
    const missing = print('prod');
    expect(missing.status).not.toBe(0);
    expect(`${missing.stdout}${missing.stderr}`).toContain(
      'stage "prod" has no schedule file: config/prod.yml does not exist. copy config/local.yml to config/prod.yml',
    );
    const examples = print('prod', [`--param=stageConfig=${join(root, 'config', 'local.yml')}`]);
    expect(examples.status).not.toBe(0);
    expect(`${examples.stdout}${examples.stderr}`).toContain(
      'still lists example targets (cpCode 424242 (STANDARD_TLS), url https://www.example.com/index.html?lang=en): stage "prod" would call Akamai',
    );
  });

  it('refuses a deployed stage that points at nothing: the default Pushgateway, a sink without its address, a bad alert setting, a bad rate (said once)', () => {
    const stageConfig = `--param=stageConfig=${writeStageConfig()}`;
    const withoutPushgateway = `--param=stageConfig=${writeStageConfig((text) => text.replace(/^functions:\n {2}pushgatewayUrl: .*\n/, ''))}`;
    const loopback = print('prod', [withoutPushgateway], []);
    expect(loopback.status).not.toBe(0);
    const output = `${loopback.stdout}${loopback.stderr}`;
    expect(output).toMatch(
      /stage\.yml:\d+:\d+: functions\.pushgatewayUrl: http:\/\/127\.0\.0\.1:9091 \(the default\) is loopback: from Lambda that is the function itself, so every run would fail, on stage "prod"/,
    );
    expect(output).toContain(
      'set functions.pushgatewayUrl in the stage file, e.g. https://pushgateway.internal:9091 (or --param="pushgatewayUrl=…" for one deploy)',
    );
    // osls names serverless.yml as the file it resolves; our message never asks for an edit of it.
    expect(output).not.toMatch(/in serverless\.yml|params\.prod/);
    const graphite = print('prod', [stageConfig, '--param=sinks=pushgateway,graphite']);
    expect(graphite.status).not.toBe(0);
    expect(`${graphite.stdout}${graphite.stderr}`).toContain(
      'functions.graphiteHost: sinks names graphite, but graphiteHost is empty',
    );
    const badSetting = print('prod', [
      `--param=stageConfig=${writeStageConfig((text) => `${text}    channels: { critical: '' }\n`)}`,
    ]);
    expect(badSetting.status).not.toBe(0);
    expect(`${badSetting.stdout}${badSetting.stderr}`).toMatch(
      /stage\.yml:\d+:\d+: alerting\.routing\.channels\.critical: /,
    );
    const badRate = print('prod', [
      `--param=stageConfig=${writeStageConfig((text) => text.replace('rate(1 minute)', 'rate(1 minutes)'))}`,
    ]);
    // Printed once: serverless.yml resolves the stage file in one place.
    const rateMessage =
      /stage\.yml:\d+:\d+: synthetic\[0\]\.rate: schedule rate\(1 minutes\): use "rate\(1 minute\)" for one/g;
    expect(`${badRate.stdout}${badRate.stderr}`.match(rateMessage)).toHaveLength(1);
  });

  it('packages the production example in one run once its placeholders are filled in, and names each one left', () => {
    const example = readFileSync(join(root, 'config', 'prod.example.yml'), 'utf8');
    const filled = join(mkdtempSync(join(tmpdir(), 'prod-example-')), 'prod.yml');
    // The only edits: each CHANGE-ME, and the example CP codes their comments mark.
    writeFileSync(filled, example.replaceAll('CHANGE-ME', 'acme').replaceAll('424242', '987654'));
    const result = serverlessPackage('prod', [`--param=stageConfig=${filled}`]);
    expect(result.output).toContain('Service packaged');
    expect(result.status).toBe(0);
    const unfilled = print(
      'prod',
      [`--param=stageConfig=${join('config', 'prod.example.yml')}`],
      [],
    );
    expect(unfilled.status).not.toBe(0);
    const output = `${unfilled.stdout}${unfilled.stderr}`;
    const lines = example.split('\n');
    const placeholders = lines.flatMap((line, i) =>
      /:\s.*CHANGE-ME/.test(line.replace(/#.*$/, '')) ? [i + 1] : [],
    );
    expect(placeholders.length).toBeGreaterThan(5);
    for (const line of placeholders)
      expect(output).toMatch(
        new RegExp(`prod\\.example\\.yml:${line}:\\d+: ".*CHANGE-ME.*" is a placeholder`),
      );
    expect(output).toContain('still lists example targets (cpCode 424242)');
  });

  it('packages a stage whose Pushgateway is given by --param alone, the alerting files included', () => {
    const result = serverlessPackage('prod', [
      `--param=stageConfig=${writeStageConfig((text) => text.replace(/^functions:\n {2}pushgatewayUrl: .*\n/, ''))}`,
      '--param=pushgatewayUrl=https://pushgateway.acme.test:9091',
    ]);
    expect(result.output).toContain('Service packaged');
    expect(result.status).toBe(0);
  });

  it('reports every problem of a stage file in one packaging run, each at its line', () => {
    const result = serverlessPackage('prod', [
      `--param=stageConfig=${join('test', 'fixtures', 'stages', 'six-problems.yml')}`,
    ]);
    expect(result.status).not.toBe(0);
    const { output } = result;
    expect(output).toContain('six-problems.yml has 6 problems:');
    const places = [...output.matchAll(/six-problems\.yml:(\d+):\d+: (\S+):/g)].map((m) => [
      Number(m[1]),
      m[2],
    ]);
    expect(places).toEqual([
      [8, 'estats[0].input.targets[1]'],
      [9, 'estats[1].rate'],
      [18, 'synthetic[0].fleet.deviceCount'],
      [21, 'janitor.dryrun'],
      [23, 'links.grafana'],
      [28, 'alerting.synthetic.bufferFillAbove'],
    ]);
  });

  it("validates the file with the functions' own schemas, naming the field", () => {
    const badTarget = print('prod', [
      `--param=stageConfig=${writeStageConfig((text) => text.replace('delivery: STANDARD_TLS', 'delivery: FAST'))}`,
    ]);
    expect(badTarget.status).not.toBe(0);
    expect(`${badTarget.stdout}${badTarget.stderr}`).toContain(
      'estats[0].input.targets[0]: a target needs exactly one of',
    );
    const badFleet = print('prod', [
      `--param=stageConfig=${writeStageConfig((text) => text.replace('deviceCount: 2', 'deviceCount: -1'))}`,
    ]);
    expect(badFleet.status).not.toBe(0);
    expect(`${badFleet.stdout}${badFleet.stderr}`).toContain('synthetic[0].fleet');
  });

  it('schedules eStats every 2 minutes with inputs our schema accepts', () => {
    const estats = dev.functions.estats;
    expect(estats?.handler).toBe('src/handlers/estats.handler');
    const schedules = estats?.events.map((e) => e.schedule).filter((s) => s !== undefined) ?? [];
    expect(schedules.length).toBeGreaterThan(0);
    for (const schedule of schedules) {
      expect(schedule.rate).toEqual(['rate(2 minutes)']);
      // The tick time rides along beside the schedule, which our schema accepts.
      expect(schedule.inputTransformer?.inputPathsMap).toEqual({ time: '$.time' });
      expect(estatsScheduleOf({ schedule }).intervalSeconds).toBe(120);
    }
  });

  it('does not retry a failed collector run, and drops deliveries older than the interval', () => {
    // A run is superseded by the next tick: Lambda's default 2 retries would triple a failed
    // eStats run's Akamai requests, and a late synthetic tick would push older counters.
    expect(dev.functions.estats).toMatchObject({ maximumRetryAttempts: 0, maximumEventAge: 120 });
    expect(dev.functions.synthetic).toMatchObject({ maximumRetryAttempts: 0, maximumEventAge: 60 });
    expect(dev.functions.scrape).toMatchObject({ maximumRetryAttempts: 0, maximumEventAge: 60 });
    for (const name of ['estats', 'synthetic', 'scrape', 'janitor', 'exportAlerting'])
      expect(dev.functions[name]?.destinations?.onFailure?.type).toBe('sqs');
  });

  it('runs the synthetic fleet every minute with the tick time and a fleet our schema accepts', () => {
    const schedule = dev.functions.synthetic?.events[0]?.schedule as unknown as {
      rate: string[];
      inputTransformer: { inputPathsMap: Record<string, string>; inputTemplate: string };
    };
    expect(schedule.rate).toEqual(['rate(1 minute)']);
    expect(schedule.inputTransformer.inputPathsMap).toEqual({ time: '$.time' });
    // EventBridge substitutes <time> with the quoted ISO time of the tick.
    const event = JSON.parse(
      schedule.inputTransformer.inputTemplate.replace('<time>', '"2026-11-20T10:00:00Z"'),
    ) as { time: string; fleet: unknown };
    expect(resolveTickSeconds(event).seconds).toBe(Date.parse('2026-11-20T10:00:00Z') / 1000);
    expect(parseFleet(event.fleet).devices).toHaveLength(2);
  });

  it('delivers to the sinks of the stage params: the Pushgateway by default, remote write to AMP with its own IAM grant', () => {
    expect(dev.provider.environment.SINKS).toBe('pushgateway');
    expect(dev.provider.environment.REMOTE_WRITE_URL).toBeUndefined();
    const workspace = 'arn:aws:aps:eu-central-1:123456789012:workspace/ws-1';
    const amp = serverlessPrint('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=sinks=pushgateway,remote-write',
      '--param=remoteWriteUrl=https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
      '--param=remoteWriteSigv4Region=eu-central-1',
      `--param=ampWorkspaceArn=${workspace}`,
    ]) as unknown as Config;
    expect(amp.provider.environment).toMatchObject({
      SINKS: 'pushgateway,remote-write',
      REMOTE_WRITE_SIGV4_REGION: 'eu-central-1',
    });
    for (const role of ['EstatsRole', 'SyntheticRole', 'ScrapeRole'])
      expect(roleStatements(amp, role)).toContainEqual({
        Effect: 'Allow',
        Action: ['aps:RemoteWrite'],
        Resource: workspace,
      });
    expect(JSON.stringify(roleStatements(amp, 'JanitorRole'))).not.toContain('aps:');
    const noWorkspace = print('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=sinks=remote-write',
      '--param=remoteWriteUrl=https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
      '--param=remoteWriteSigv4Region=eu-central-1',
    ]);
    expect(noWorkspace.status).not.toBe(0);
    expect(`${noWorkspace.stdout}${noWorkspace.stderr}`).toContain(
      'remoteWriteSigv4Region is set but ampWorkspaceArn is not',
    );
  });

  it("sets the functions' own settings from --params, and refuses a bad one naming it", () => {
    expect(dev.provider.environment.LOG_LEVEL).toBe('info');
    expect(dev.provider.environment.PUSHGATEWAY_QUORUM).toBeUndefined();
    const tuned = serverlessPrint('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=logLevel=debug',
      '--param=estatsMaxInFlight=4',
      '--param=noProxy=.internal',
    ]) as unknown as Config;
    expect(tuned.provider.environment).toMatchObject({
      LOG_LEVEL: 'debug',
      ESTATS_MAX_IN_FLIGHT: '4',
      NO_PROXY: '.internal',
    });
    const badQuorum = print('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=pushgatewayQuorum=3',
    ]);
    expect(badQuorum.status).not.toBe(0);
    const output = `${badQuorum.stdout}${badQuorum.stderr}`;
    expect(output).toContain(
      '--param=pushgatewayQuorum: environment variable PUSHGATEWAY_QUORUM="3"',
    );
  });

  it('gives the scrape schedules a Pushgateway of their own in one setting, which the janitor cleans too', () => {
    const own = serverlessPrint('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=scrapePushgatewayUrl=https://pgw-exporters.acme.test:9091',
    ]) as unknown as Config;
    expect(own.provider.environment.PUSHGATEWAY_URL).toBe('https://pushgateway.acme.test:9091');
    expect(own.functions.scrape?.environment?.PUSHGATEWAY_URL).toBe(
      'https://pgw-exporters.acme.test:9091',
    );
    expect(own.functions.janitor?.environment?.PUSHGATEWAY_URL).toBe(
      'https://pushgateway.acme.test:9091,https://pgw-exporters.acme.test:9091',
    );
    expect(own.functions.synthetic?.environment?.PUSHGATEWAY_URL).toBeUndefined();
    expect(dev.functions.scrape?.environment?.PUSHGATEWAY_URL).toBeUndefined();
    const loopback = print('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=scrapePushgatewayUrl=http://127.0.0.1:9091',
    ]);
    expect(loopback.status).not.toBe(0);
    expect(`${loopback.stdout}${loopback.stderr}`).toContain('--param=scrapePushgatewayUrl');
  });

  it('refuses a misspelt --param in one run, naming the setting it meant', () => {
    const typos = print('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=logLevl=debug',
      '--param=pushgatewayQuorom=2',
    ]);
    expect(typos.status).not.toBe(0);
    expect(`${typos.stdout}${typos.stderr}`).toContain(
      'unknown settings --param=logLevl (did you mean logLevel?), --param=pushgatewayQuorom (did you mean pushgatewayQuorum?)',
    );
  });

  it("takes the functions' settings from the stage file, a --param winning for one deploy", () => {
    const fromFile = writeStageConfig((text) =>
      text.replace(
        /^functions:\n/,
        'functions:\n  logLevel: warn\n  memorySize: 512\n  estatsTimeout: 300\n  pushgatewayTimeoutMs: 5000\n',
      ),
    );
    const config = serverlessPrint('dev', [
      `--param=stageConfig=${fromFile}`,
    ]) as unknown as Config & {
      provider: { memorySize: number };
    };
    expect(config.provider.environment).toMatchObject({
      LOG_LEVEL: 'warn',
      PUSHGATEWAY_TIMEOUT_MS: '5000',
    });
    expect(config.provider.memorySize).toBe(512);
    expect(config.functions.estats?.timeout).toBe(300);
    const overridden = serverlessPrint('dev', [
      `--param=stageConfig=${fromFile}`,
      '--param=logLevel=error',
    ]) as unknown as Config;
    expect(overridden.provider.environment.LOG_LEVEL).toBe('error');
  });

  it("runs the functions with Lambda's JSON log format at the logLevel param's level", () => {
    const logsOf = (config: unknown) =>
      (config as { provider: { logs: { lambda: unknown } } }).provider.logs.lambda;
    expect(logsOf(dev)).toEqual({
      logFormat: 'JSON',
      applicationLogLevel: 'INFO',
      systemLogLevel: 'INFO',
    });
    const verbose = serverlessPrint('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=logLevel=debug',
    ]);
    expect(logsOf(verbose)).toMatchObject({ applicationLogLevel: 'DEBUG' });
  });

  it('prints the estimated monthly cost when packaging, at the architecture of the architecture setting', () => {
    const printed = print('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=architecture=x86_64',
    ]);
    expect(printed.status).toBe(0);
    const config = JSON.parse(printed.stdout.slice(printed.stdout.indexOf('{'))) as {
      provider: { architecture: string };
    };
    expect(config.provider.architecture).toBe('x86_64');
    expect(printed.stderr).toMatch(/^Estimated monthly cost, USD at eu-central-1 list prices of /m);
    expect(printed.stderr).toMatch(/^ {4}compute .*at 256 MB x86_64 = [\d,]+ GB-s$/m);
    expect(printed.stderr).toMatch(/^ {2}total +\$\d+\.\d\d$/m);
    expect((dev as unknown as { provider: { architecture: string } }).provider.architecture).toBe(
      'arm64',
    );
  });

  it('keeps the export bucket on remove by default, or lets the export empty it, with the grants for that only then', () => {
    const resources = (config: unknown) =>
      (config as { resources: { Resources: Record<string, Record<string, unknown>> } }).resources
        .Resources;
    const deletes = (config: unknown) =>
      roleStatements(config, 'ExportAlertingRole').filter((s) =>
        [s.Action].flat().some((a) => /^s3:(Delete|ListBucketVersions)/.test(String(a))),
      );
    const kept = resources(dev);
    expect(kept.AlertingExportBucket?.DeletionPolicy).toBe('Retain');
    expect(kept.AlertingExportBucketPolicy?.DeletionPolicy).toBe('Retain');
    expect(kept.AlertingExportOnDeploy?.Properties).toMatchObject({
      BucketName: { Ref: 'AlertingExportBucket' },
      EmptyBucketOnDelete: false,
    });
    expect(deletes(dev)).toEqual([]);

    const emptied = serverlessPrint('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=alertingExportOnRemove=delete',
    ]);
    expect(resources(emptied).AlertingExportBucket?.DeletionPolicy).toBe('Delete');
    expect(resources(emptied).AlertingExportOnDeploy?.Properties).toMatchObject({
      EmptyBucketOnDelete: true,
    });
    expect(deletes(emptied)).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:ListBucketVersions'],
        Resource: [{ 'Fn::GetAtt': ['AlertingExportBucket', 'Arn'] }],
      },
      {
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        Resource: [{ 'Fn::Sub': '${AlertingExportBucket.Arn}/*' }],
      },
    ]);

    const misspelt = print('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=alertingExportOnRemove=destroy',
    ]);
    expect(misspelt.status).not.toBe(0);
    expect(misspelt.stdout + misspelt.stderr).toContain(
      '--param=alertingExportOnRemove: must be "keep" or "delete", got "destroy"',
    );
  });

  it('lets the export function put rules and routes in the AMP workspace the stage exports to, and nowhere else', () => {
    const workspace = 'ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    const withAmp = serverlessPrint('dev', [
      `--param=stageConfig=${writeStageConfig((text) =>
        text.replace(
          '\nalerting:\n',
          `\nalerting:\n  export:\n    formats: [amp]\n    namespace: cdn-edge\n    amp: { workspaceId: ${workspace}, region: eu-west-1, snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:cdn-alerts' }\n`,
        ),
      )}`,
    ]);
    const arn = (resource: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:aps:eu-west-1:\${AWS::AccountId}:${resource}`,
    });
    const aps = roleStatements(withAmp, 'ExportAlertingRole').filter((s) =>
      [s.Action].flat().some((action) => String(action).startsWith('aps:')),
    );
    expect(aps).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'aps:DescribeRuleGroupsNamespace',
          'aps:CreateRuleGroupsNamespace',
          'aps:PutRuleGroupsNamespace',
        ],
        Resource: [arn(`workspace/${workspace}`), arn(`rulegroupsnamespace/${workspace}/cdn-edge`)],
      },
      {
        Effect: 'Allow',
        Action: [
          'aps:DescribeAlertManagerDefinition',
          'aps:CreateAlertManagerDefinition',
          'aps:PutAlertManagerDefinition',
        ],
        Resource: [arn(`workspace/${workspace}`)],
      },
    ]);
    // Without the format, no aps permission at all.
    expect(
      roleStatements(dev, 'ExportAlertingRole')
        .flatMap((s) => [s.Action].flat())
        .filter((a) => String(a).startsWith('aps:')),
    ).toEqual([]);
  });

  it('alarms on failed runs waiting in the failure queue, notifying the topics of a param, and refuses a topic that is not an SNS ARN', () => {
    type Alarm = { Type: string; Properties: Record<string, unknown> };
    const alarmOf = (config: unknown) =>
      (config as { resources: { Resources: Record<string, Alarm> } }).resources.Resources
        .CollectorFailureAlarm;
    const quiet = alarmOf(dev);
    expect(quiet?.Type).toBe('AWS::CloudWatch::Alarm');
    expect(quiet?.Properties).toMatchObject({
      AlarmName: 'pushgate-collector-dev-failed-runs',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['CollectorFailureQueue', 'QueueName'] } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(quiet?.Properties.AlarmActions).toBeUndefined();

    const topic = 'arn:aws:sns:eu-central-1:123456789012:sre-pages';
    const paging = serverlessPrint('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      `--param=failureAlarmTopicArn=${topic}`,
    ]);
    expect(alarmOf(paging)?.Properties).toMatchObject({
      AlarmActions: [topic],
      OKActions: [topic],
    });

    const bad = print('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=failureAlarmTopicArn=sre-pages',
    ]);
    expect(bad.status).not.toBe(0);
    expect(`${bad.stdout}${bad.stderr}`).toContain(
      'failureAlarmTopicArn: "sre-pages" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)',
    );
  });

  it("lets the functions read the remote-write receiver's secret, and only that one more", () => {
    const withSecret = serverlessPrint('dev', [
      `--param=stageConfig=${writeStageConfig()}`,
      '--param=sinks=remote-write',
      '--param=remoteWriteUrl=https://mimir.acme.test/api/v1/push',
      '--param=remoteWriteAuthSecretName=pushgate-collector/remote-write-auth',
    ]) as unknown as Config;
    expect(withSecret.provider.environment.REMOTE_WRITE_AUTH_SECRET_ID).toBe(
      'pushgate-collector/remote-write-auth',
    );
    const reads = roleStatements(withSecret, 'SyntheticRole').find((s) =>
      s.Action.includes('secretsmanager:GetSecretValue'),
    );
    expect(JSON.stringify(reads?.Resource)).toContain(
      'secret:pushgate-collector/remote-write-auth-??????',
    );
  });

  it('reads Akamai credentials from Secrets Manager in the cloud, from .edgerc on the local stage', () => {
    expect(dev.functions.estats?.environment?.AKAMAI_SECRET_ID).toBe(
      'pushgate-collector/akamai-edgegrid',
    );
    const local = serverlessPrint('local') as unknown as Config;
    expect(local.functions.estats?.environment?.AKAMAI_SECRET_ID).toBeUndefined();
  });

  it('ships the alerting files in the export bundle, not the YAML writer or the PromQL parser', async () => {
    const result = await build({
      entryPoints: [join(root, 'src/handlers/export-alerting.ts')],
      bundle: true,
      platform: 'node',
      target: 'node24',
      mainFields: ['module', 'main'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('src/alerting/rendered.gen.ts');
    expect(
      inputs.filter((i) => /node_modules\/(yaml|@lezer|@prometheus-io|zod|@grafana)\//.test(i)),
    ).toEqual([]);
  });

  it("bundles the packaged stage's own alerting files: its SLOs, validated at package time", async () => {
    // serverless-esbuild hands the plugins file the resolved serverless.yml: the same values.
    const { alertingFiles } = (dev as unknown as { custom: { alertingFiles: AlertingTarget } })
      .custom;
    expect(alertingFiles.stage).toBe('dev');
    expect(alertingFiles.sinks).toBe('pushgateway');
    // Bundled in a plain node process, as serverless-esbuild runs it (tsx loads the TS).
    const bundle = (target: AlertingTarget) => {
      const script = `
        const { build } = require('esbuild');
        const plugins = require('./infra/serverless/esbuild-plugins.js');
        build({
          entryPoints: ['src/handlers/export-alerting.ts'], bundle: true, platform: 'node',
          write: false, logLevel: 'silent',
          plugins: plugins({ service: { custom: { alertingFiles: ${JSON.stringify(target)} } } }),
        }).then((r) => process.stdout.write(r.outputFiles[0].text), (e) => {
          process.stderr.write(e.message); process.exit(1);
        });`;
      return spawnSync(process.execPath, ['-e', script], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
    };
    const renamed = writeStageConfig((text) =>
      text.replace('name: edge-availability', 'name: checkout-edge'),
    );
    const built = bundle({ stage: 'dev', stageConfig: renamed });
    expect(built.stderr).toBe('');
    expect(built.stdout).toContain('slo: checkout-edge');
    expect(built.stdout).not.toContain('slo: edge-availability');
    // The stage's sinks choose how staleness is read (src/alerting/scope.ts).
    expect(built.stdout).toContain('alert: CollectorGroupStale');
    const remoteWrite = bundle({ stage: 'dev', stageConfig: renamed, sinks: 'remote-write' });
    expect(remoteWrite.stderr).toBe('');
    expect(remoteWrite.stdout).toContain('alert: CollectorSilent');
    expect(remoteWrite.stdout).not.toContain('alert: CollectorGroupStale');
    const wrong = writeStageConfig((text) => text.replace('objective: 0.995', 'objective: 99.5'));
    const refused = bundle({ stage: 'dev', stageConfig: wrong });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('alerting files of stage "dev": ');
    expect(refused.stderr).toMatch(
      /stage\.yml:\d+:\d+: slos\[0\]\.objective: must be a ratio strictly between 0 and 1/,
    );
  });

  it('ships the Prometheus configurations its one source renders (npm run prometheus:config)', () => {
    for (const [path, text] of Object.entries(SHIPPED_PROMETHEUS_CONFIGS)) {
      expect([path, readFileSync(join(root, path), 'utf8')]).toEqual([path, text]);
    }
    // The compose copy names rule files that exist only in the container: syntax check only.
    const compose = runTool('promtool', [
      'check',
      'config',
      '--syntax-only',
      join(root, 'infra/compose/prometheus.yml'),
    ]);
    expect(compose.output).toContain('SUCCESS');
  });

  it('ships a Prometheus config that promtool accepts', () => {
    const result = runTool('promtool', [
      'check',
      'config',
      join(root, 'infra/prometheus/prometheus.yml'),
    ]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
