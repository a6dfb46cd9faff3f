import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../helpers/tools';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { RealPushgateway } from '../../dev/realPushgateway';
import { runProcess } from '../helpers/runProcess';
import { serverlessPackage } from '../helpers/serverlessPackage';
import { REAL_LOOKING_PARAMS, writeStageConfig } from '../helpers/stageConfig';

// The serverless CLI tests share one file: they build into the same .esbuild folder, so they
// must not run in parallel.

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

interface Template {
  Outputs: Record<string, { Value: unknown }>;
  Resources: Record<
    string,
    {
      Type: string;
      Properties: {
        Runtime?: string;
        Role?: unknown;
        LoggingConfig?: unknown;
        ManagedPolicyArns?: unknown[];
        Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }>;
        PolicyDocument?: { Statement: Statement[] };
      };
    }
  >;
}

/** `serverless package` into a folder of its own: the CloudFormation template it wrote. */
function packagedTemplate(
  params: string[] = [],
  stageConfig: string = writeStageConfig(),
): Template {
  const result = serverlessPackage('dev', [
    `--param=stageConfig=${stageConfig}`,
    ...REAL_LOOKING_PARAMS,
    ...params.map((param) => `--param=${param}`),
  ]);
  if (result.status !== 0) throw new Error(`serverless package failed:\n${result.output}`);
  return JSON.parse(
    readFileSync(join(result.dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}

/** A resource as the grant table writes it: `Fn::Sub` text, `X.Arn`, or the ARN itself. */
function resourceText(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const sub = (resource as { 'Fn::Sub'?: string })['Fn::Sub'];
  if (sub)
    return sub.replace(
      /^arn:\$\{AWS::Partition\}:[a-z]+:\$\{AWS::Region\}:\$\{AWS::AccountId\}:/,
      '',
    );
  const att = (resource as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
  if (att) return att.join('.');
  return JSON.stringify(resource);
}

/** Each statement of a role as one line: `actions on resources [if condition]`. */
function grants(template: Template, role: string): string[] {
  const statements = (template.Resources[role]?.Properties.Policies ?? []).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  return statements.map((statement) => {
    expect(statement.Effect).toBe('Allow');
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    const condition = statement.Condition ? ` if ${JSON.stringify(statement.Condition)}` : '';
    return `${actions.join(',')} on ${resources.map(resourceText).join(' ')}${condition}`;
  });
}

/**
 * What the README promises: `npx serverless invoke local --stage local -f estats -p
 * examples/estats-event.json` runs the bundled TypeScript handler against the HTTPS stand-in
 * and a real Pushgateway, with no AWS account.
 */
let pushgateway: RealPushgateway;
let akamai: EstatsSimulator;
let edgercPath: string;

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  ({ akamai, edgercPath } = await startAkamaiStandin());
});
afterAll(async () => {
  await pushgateway.stop();
  await akamai.stop();
});

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return runProcess(command, args, env);
}

it('serverless invoke local runs the estats function against the stand-in and the real Pushgateway', async () => {
  const { code, output } = await run(
    'npx',
    [
      'serverless',
      'invoke',
      'local',
      '--stage',
      'local',
      '-f',
      'estats',
      '-p',
      'examples/estats-event.json',
    ],
    {
      PUSHGATEWAY_URL: pushgateway.url,
      AKAMAI_EDGERC: edgercPath,
      AKAMAI_EDGERC_SECTION: 'standin',
    },
  );
  // On failure, show what the CLI printed.
  expect(code === 0 ? 'exit code 0' : output).toBe('exit code 0');
  expect(output).toContain('"message":"eStats run finished"');

  const url = 'https://www.example.com/shop/cart?id=42&lang=en';
  const urlGroup = await pushgateway.group({
    job: 'akamai_estats',
    url,
    error_type: 'EDGE_ERRORS',
  });
  expect(urlGroup?.families.get('akamai_estats_up')?.metrics[0]?.value).toBe('1');
  const cpGroup = await pushgateway.group({
    job: 'akamai_estats',
    cp_code: '424242',
    delivery: 'STANDARD_TLS',
  });
  expect(cpGroup?.families.get('akamai_estats_up')?.metrics[0]?.value).toBe('1');
  expect(akamai.requests.map((r) => r.status)).toEqual([200, 200]);
}, 120_000);

it('serverless invoke local runs the synthetic function against the real Pushgateway', async () => {
  const { code, output } = await run(
    'npx',
    [
      'serverless',
      'invoke',
      'local',
      '--stage',
      'local',
      '-f',
      'synthetic',
      '-p',
      'examples/synthetic-event.json',
    ],
    {
      PUSHGATEWAY_URL: pushgateway.url,
    },
  );
  // On failure, show what the CLI printed.
  expect(code === 0 ? 'exit code 0' : output).toBe('exit code 0');
  expect(output).toContain('"message":"synthetic run finished"');
  const group = await pushgateway.group({
    job: 'synthetic_telemetry',
    fleet: 'example',
    device: 'switch-02',
  });
  expect(group?.families.get('synthetic_port_receive_packets_total')?.metrics).toHaveLength(4);
}, 120_000);

it('serverless invoke local runs the scrape function with the shipped example, the schedule itself', async () => {
  const exporter = createServer((_req, res) =>
    res.end('# TYPE node_load1 gauge\nnode_load1 0.25\n'),
  );
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const { port } = exporter.address() as AddressInfo;
  try {
    // The example as shipped, its exporter's address this test's.
    const example = readFileSync('examples/scrape-event.json', 'utf8');
    const event = join(mkdtempSync(join(tmpdir(), 'scrape-event-')), 'event.json');
    writeFileSync(event, example.replace('127.0.0.1:9100', `127.0.0.1:${port}`));
    const { code, output } = await run(
      'npx',
      ['serverless', 'invoke', 'local', '--stage', 'local', '-f', 'scrape', '-p', event],
      { PUSHGATEWAY_URL: pushgateway.url },
    );
    expect(code === 0 ? 'exit code 0' : output).toBe('exit code 0');
    expect(output).toContain('"message":"scrape run finished"');
    const group = await pushgateway.group({ job: 'node', instance: 'example-host' });
    expect(group?.families.get('node_load1')?.metrics[0]?.value).toBe('0.25');
    expect(group?.families.get('up')?.metrics[0]?.value).toBe('1');
  } finally {
    await new Promise((resolve) => exporter.close(resolve));
  }
}, 120_000);

it('serverless invoke local runs exportAlerting, writing files promtool and amtool accept', async () => {
  const out = join(__dirname, '..', '..', '.tmp', 'alerting-export');
  rmSync(out, { recursive: true, force: true });
  const { code, output } = await run(
    'npx',
    ['serverless', 'invoke', 'local', '--stage', 'local', '-f', 'exportAlerting', '-d', '{}'],
    {},
  );
  // On failure, show what the CLI printed.
  expect(code === 0 ? 'exit code 0' : output).toBe('exit code 0');
  expect(output).toContain('"message":"alerting exported"');
  expect(existsSync(join(out, 'templates', 'slack.tmpl'))).toBe(true);
  expect(runTool('promtool', ['check', 'rules', join(out, 'rules.yml')]).status).toBe(0);
  expect(runTool('amtool', ['check-config', join(out, 'alertmanager.yml')]).status).toBe(0);
  expect(readFileSync(join(out, 'rules.yml'), 'utf8')).toContain('alert: AkamaiEdge5xxRatioHigh');
}, 120_000);

it('packages a template whose functions run the Node major the tests run on, each with a role of its own', () => {
  const template = packagedTemplate();
  const functions = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function',
  );
  expect(Object.fromEntries(functions.map(([id, r]) => [id, r.Properties.Runtime]))).toEqual({
    EstatsLambdaFunction: 'nodejs24.x',
    SyntheticLambdaFunction: 'nodejs24.x',
    ScrapeLambdaFunction: 'nodejs24.x',
    TrafficLambdaFunction: 'nodejs24.x',
    JanitorLambdaFunction: 'nodejs24.x',
    ExportAlertingLambdaFunction: 'nodejs24.x',
  });
  expect(process.versions.node.split('.')[0]).toBe('24');
  // Lambda's JSON log format, so ApplicationLogLevel (the logLevel param) steers our lines.
  for (const [, fn] of functions)
    expect(fn.Properties.LoggingConfig).toEqual({
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'INFO',
    });
  // Each function its own role; no shared role from the framework.
  expect(Object.fromEntries(functions.map(([id, r]) => [id, r.Properties.Role]))).toEqual({
    EstatsLambdaFunction: { 'Fn::GetAtt': ['EstatsRole', 'Arn'] },
    SyntheticLambdaFunction: { 'Fn::GetAtt': ['SyntheticRole', 'Arn'] },
    ScrapeLambdaFunction: { 'Fn::GetAtt': ['ScrapeRole', 'Arn'] },
    TrafficLambdaFunction: { 'Fn::GetAtt': ['TrafficRole', 'Arn'] },
    JanitorLambdaFunction: { 'Fn::GetAtt': ['JanitorRole', 'Arn'] },
    ExportAlertingLambdaFunction: { 'Fn::GetAtt': ['ExportAlertingRole', 'Arn'] },
  });
  expect(
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .map(([id]) => id)
      .sort(),
  ).toEqual([
    'EstatsRole',
    'ExportAlertingRole',
    'JanitorRole',
    'ScrapeRole',
    'SyntheticRole',
    'TrafficRole',
  ]);

  const own = (fn: string) => [
    `logs:CreateLogStream,logs:PutLogEvents on log-group:/aws/lambda/pushgate-collector-dev-${fn}:*`,
    'sqs:SendMessage on CollectorFailureQueue.Arn',
  ];
  // The default stage: the Pushgateway without auth, the Akamai secret of the default client.
  expect(grants(template, 'EstatsRole')).toEqual([
    ...own('estats'),
    'secretsmanager:GetSecretValue on secret:pushgate-collector/akamai-edgegrid-??????',
  ]);
  expect(grants(template, 'SyntheticRole')).toEqual(own('synthetic'));
  // The stage file's scrape targets name no secret.
  expect(grants(template, 'ScrapeRole')).toEqual(own('scrape'));
  // Its API client's secret (the default one here), and its own state's objects, no more.
  expect(grants(template, 'TrafficRole')).toEqual([
    ...own('traffic'),
    'secretsmanager:GetSecretValue on secret:pushgate-collector/akamai-edgegrid-??????',
    's3:GetObject,s3:PutObject on ${TrafficStateBucket.Arn}/traffic-state/dev/*',
    's3:ListBucket on TrafficStateBucket.Arn if {"StringLike":{"s3:prefix":["traffic-state/dev/*"]}}',
  ]);
  expect(grants(template, 'JanitorRole')).toEqual(own('janitor'));
  expect(grants(template, 'ExportAlertingRole')).toEqual([
    ...own('exportAlerting'),
    's3:PutObject,s3:GetObject on ${AlertingExportBucket.Arn}/alerting/*',
    's3:ListBucket on AlertingExportBucket.Arn if {"StringLike":{"s3:prefix":["alerting/*"]}}',
  ]);

  // What users look up after a deploy, in the stack's Outputs.
  const outputs = Object.fromEntries(
    Object.entries(template.Outputs).map(([name, output]) => [name, output.Value]),
  );
  expect(outputs).toMatchObject({
    AlertingExportBucketName: { Ref: 'AlertingExportBucket' },
    AlertingExportPrefix: 'alerting/',
    AlertingExportUri: { 'Fn::Sub': 's3://${AlertingExportBucket}/alerting/' },
    CollectorFailureQueueUrl: { Ref: 'CollectorFailureQueue' },
    CollectorFailureQueueArn: { 'Fn::GetAtt': ['CollectorFailureQueue', 'Arn'] },
    CollectorFailureAlarmName: { Ref: 'CollectorFailureAlarm' },
  });
  expect(template.Resources.CollectorFailureAlarm?.Type).toBe('AWS::CloudWatch::Alarm');

  // The bucket refuses anything but TLS.
  const bucketPolicy = template.Resources.AlertingExportBucketPolicy?.Properties.PolicyDocument;
  expect(bucketPolicy?.Statement).toContainEqual(
    expect.objectContaining({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  );
}, 120_000);

it('puts only the functions that reach the Pushgateway into a VPC, their network interfaces granted inline', () => {
  const template = packagedTemplate([
    'vpcSubnetIds=subnet-0a1b2c3d,subnet-4e5f6a7b',
    'vpcSecurityGroupIds=sg-0123abcd',
  ]);
  const vpcOf = (id: string) =>
    (template.Resources[id]?.Properties as { VpcConfig?: unknown } | undefined)?.VpcConfig;
  const inVpc = {
    SecurityGroupIds: ['sg-0123abcd'],
    SubnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
  };
  for (const fn of ['Estats', 'Synthetic', 'Scrape', 'Traffic', 'Janitor'])
    expect([fn, vpcOf(`${fn}LambdaFunction`)]).toEqual([fn, inVpc]);
  // The export writes to S3 (and AMP): no need of the private network.
  expect(vpcOf('ExportAlertingLambdaFunction')).toBeUndefined();
  const eni =
    'ec2:CreateNetworkInterface,ec2:DescribeNetworkInterfaces,ec2:DescribeSubnets,ec2:DeleteNetworkInterface,ec2:AssignPrivateIpAddresses,ec2:UnassignPrivateIpAddresses on *';
  for (const role of ['EstatsRole', 'SyntheticRole', 'ScrapeRole', 'TrafficRole', 'JanitorRole']) {
    expect(grants(template, role)).toContain(eni);
    // No managed policy: AWSLambdaVPCAccessExecutionRole would add logs:* on every log group.
    expect(template.Resources[role]?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(grants(template, role).filter((g) => g.startsWith('logs:'))).toHaveLength(1);
  }
  expect(grants(template, 'ExportAlertingRole').some((g) => g.includes('ec2:'))).toBe(false);
}, 120_000);

it('grants a secret given by ARN, in another region or account, as that ARN', () => {
  const key = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const pushgatewayAuth =
    'arn:aws:secretsmanager:eu-west-2:210987654321:secret:shared/pushgateway-auth-Ab12Cd';
  const scrapeAuth = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:lab/snmp-auth';
  const template = packagedTemplate(
    [`pushgatewayAuthSecretName=${pushgatewayAuth}`, `secretsKmsKeyArn=${key}`],
    writeStageConfig((text) =>
      text.replace(
        'instance: switch-01 #',
        `auth: { secret: '${scrapeAuth}' }\n          instance: switch-01 #`,
      ),
    ),
  );
  const byArn = (arn: string) => `${arn} ${arn}-??????`;
  expect(grants(template, 'ScrapeRole').slice(2)).toEqual([
    `secretsmanager:GetSecretValue on ${byArn(scrapeAuth)} ${byArn(pushgatewayAuth)}`,
    `kms:Decrypt on ${key} if {"StringEquals":{"kms:ViaService":[{"Fn::Sub":"secretsmanager.\${AWS::Region}.amazonaws.com"},"secretsmanager.eu-west-1.amazonaws.com","secretsmanager.eu-west-2.amazonaws.com"]}}`,
  ]);
  // A name stays this stage's region and account.
  expect(grants(template, 'EstatsRole')[2]).toBe(
    `secretsmanager:GetSecretValue on secret:pushgate-collector/akamai-edgegrid-?????? ${byArn(pushgatewayAuth)}`,
  );
}, 120_000);

it('grants each sink secret, remote write and the KMS key only to the functions that use them', () => {
  const key = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const workspace = 'arn:aws:aps:eu-central-1:123456789012:workspace/ws-1';
  // A scrape target with its auth and TLS secrets: the scrape function's, no other's.
  const withScrapeSecrets = writeStageConfig((text) =>
    text.replace(
      'instance: switch-01 #',
      'auth: { secret: pushgate-collector/snmp-auth }\n          tls: { secret: pushgate-collector/lab-ca }\n          instance: switch-01 #',
    ),
  );
  const template = packagedTemplate(
    [
      'sinks=pushgateway,remote-write',
      'pushgatewayAuthSecretName=pushgate-collector/pushgateway-auth',
      'remoteWriteUrl=https://mimir.acme.test/api/v1/push',
      'remoteWriteAuthSecretName=pushgate-collector/remote-write-auth',
      `secretsKmsKeyArn=${key}`,
    ],
    withScrapeSecrets,
  );
  const decrypt = `kms:Decrypt on ${key} if {"StringEquals":{"kms:ViaService":{"Fn::Sub":"secretsmanager.\${AWS::Region}.amazonaws.com"}}}`;
  const secrets = (...names: string[]) =>
    `secretsmanager:GetSecretValue on ${names.map((n) => `secret:pushgate-collector/${n}-??????`).join(' ')}`;
  const rest = (role: string) => grants(template, role).slice(2);
  expect(rest('EstatsRole')).toEqual([
    secrets('akamai-edgegrid', 'pushgateway-auth', 'remote-write-auth'),
    decrypt,
  ]);
  expect(rest('SyntheticRole')).toEqual([
    secrets('pushgateway-auth', 'remote-write-auth'),
    decrypt,
  ]);
  expect(rest('ScrapeRole')).toEqual([
    secrets('lab-ca', 'snmp-auth', 'pushgateway-auth', 'remote-write-auth'),
    decrypt,
  ]);
  // Remote write to AMP signs with the role's own credentials (SigV4, no secret of its own):
  // the collectors may write to that workspace, and only they.
  const amp = packagedTemplate([
    'sinks=pushgateway,remote-write',
    'remoteWriteUrl=https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
    'remoteWriteSigv4Region=eu-central-1',
    `ampWorkspaceArn=${workspace}`,
  ]);
  for (const role of ['EstatsRole', 'SyntheticRole', 'ScrapeRole'])
    expect(grants(amp, role).at(-1)).toBe(`aps:RemoteWrite on ${workspace}`);
  for (const role of ['JanitorRole', 'ExportAlertingRole'])
    expect(grants(amp, role).join('\n')).not.toContain('aps:');
  // The janitor lists and deletes Pushgateway groups: that secret only.
  expect(rest('JanitorRole')).toEqual([secrets('pushgateway-auth'), decrypt]);
  expect(rest('ExportAlertingRole').join('\n')).not.toMatch(/secretsmanager|kms|aps/);
  // No wildcard action anywhere.
  for (const role of [
    'EstatsRole',
    'SyntheticRole',
    'ScrapeRole',
    'JanitorRole',
    'ExportAlertingRole',
  ])
    for (const line of grants(template, role)) expect(line.split(' on ')[0]).not.toContain('*');
}, 120_000);
