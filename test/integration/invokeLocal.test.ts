import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../helpers/tools';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { RealPushgateway } from '../../dev/realPushgateway';
import { runProcess } from '../helpers/runProcess';
import { writeStageConfig } from '../helpers/stageConfig';

// The serverless CLI tests share one file: they build into the same .esbuild folder, so they
// must not run in parallel.

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

interface Template {
  Resources: Record<
    string,
    {
      Type: string;
      Properties: {
        Runtime?: string;
        Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }>;
      };
    }
  >;
}

/** `serverless package` into a folder of its own: the CloudFormation template it wrote. */
function packagedTemplate(): Template {
  const out = mkdtempSync(join(tmpdir(), 'sls-package-'));
  const result = spawnSync(
    'npx',
    [
      'serverless',
      'package',
      '--stage',
      'dev',
      `--param=stageConfig=${writeStageConfig()}`,
      '--package',
      out,
    ],
    {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new Error(`serverless package failed:\n${result.stdout}${result.stderr}`);
  return JSON.parse(
    readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}

function iamStatements(template: Template): Statement[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Role')
    .flatMap((r) => r.Properties.Policies ?? [])
    .flatMap((p) => p.PolicyDocument.Statement);
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

it('packages a template whose functions run the Node major the tests run on, with least privilege', () => {
  const template = packagedTemplate();
  const runtimes = Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => [id, r.Properties.Runtime]),
  );
  expect(runtimes).toEqual({
    EstatsLambdaFunction: 'nodejs24.x',
    SyntheticLambdaFunction: 'nodejs24.x',
    JanitorLambdaFunction: 'nodejs24.x',
    ExportAlertingLambdaFunction: 'nodejs24.x',
  });
  expect(process.versions.node.split('.')[0]).toBe('24');

  // Least privilege: no wildcard actions, no "*" resources.
  const statements = iamStatements(template);
  expect(statements.length).toBeGreaterThan(0);
  for (const statement of statements) {
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    for (const action of actions) expect([action, action.includes('*')]).toEqual([action, false]);
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    for (const resource of resources) expect([actions, resource]).not.toEqual([actions, '*']);
  }
  const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  expect(actions).toEqual(
    expect.arrayContaining(['secretsmanager:GetSecretValue', 's3:PutObject', 'sqs:SendMessage']),
  );
  // The secret is named exactly (plus the random suffix Secrets Manager appends).
  const secret = statements.find((s) => s.Action.includes('secretsmanager:GetSecretValue'));
  expect(JSON.stringify(secret?.Resource)).toContain(
    ':secret:pushgate-collector/akamai-edgegrid-??????',
  );
}, 60_000);
