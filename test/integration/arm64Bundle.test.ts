import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arm64Node } from '../../dev/arm64Node';
import { binaryPath, UNZIP } from '../../dev/debianBinaries';
import { standinRunEnv, useEstatsStack } from '../helpers/estatsStack';
import { REPO_ROOT, runProcess } from '../helpers/runProcess';

/**
 * The functions run on arm64 (Graviton) by default; the tests run on this machine's CPU. This
 * closes the gap for the bundle that ships: `serverless package` builds the eStats function's
 * zip, and one real run of it, on Node 24 for arm64 (under qemu, Debian's user-mode
 * emulator) and on this machine's Node, pushes the same groups to the real Pushgateway from
 * the same Akamai stand-in. Nothing here times anything: the emulator is not Graviton.
 */
const stack = useEstatsStack();
const dir = mkdtempSync(join(tmpdir(), 'arm64-bundle-'));
let handlerFile: string;
let driver: string;
let architectures: string[];

beforeAll(async () => {
  const packaged = await runProcess('npx', [
    'serverless',
    'package',
    '--stage',
    'local',
    '--package',
    join(dir, 'package'),
  ]);
  if (packaged.code !== 0) throw new Error(`serverless package failed:\n${packaged.output}`);
  const template = JSON.parse(
    readFileSync(join(dir, 'package', 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as { Resources: { EstatsLambdaFunction: { Properties: { Architectures: string[] } } } };
  architectures = template.Resources.EstatsLambdaFunction.Properties.Architectures;
  execFileSync(binaryPath(UNZIP), [
    '-q',
    join(dir, 'package', 'estats.zip'),
    '-d',
    join(dir, 'estats'),
  ]);
  handlerFile = join(dir, 'estats', 'src', 'handlers', 'estats.js');
  // What Lambda's runtime does: load the handler, call it with the event and a context.
  driver = join(dir, 'invoke.cjs');
  writeFileSync(
    driver,
    `const { handler } = require(process.argv[2]);
const end = Date.now() + 60000;
const context = {
  functionName: 'estats', functionVersion: '$LATEST', awsRequestId: 'arm64-' + process.arch,
  logGroupName: 'local', logStreamName: 'local', memoryLimitInMB: '256',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:estats',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
};
handler(JSON.parse(process.argv[3]), context).then(
  (result) => process.stdout.write('RESULT ' + process.arch + ' ' + JSON.stringify(result) + '\\n'),
  (error) => { process.stderr.write(String(error && error.stack || error) + '\\n'); process.exit(1); },
);
`,
  );
}, 180_000);

/** One run of the packaged handler with `node`, its summary and what the Pushgateway then holds. */
async function run(node: string[]) {
  await stack.pushgateway.wipe();
  const event = {
    name: 'arm',
    targets: [
      { cpCode: 424242 },
      { cpCode: 424243, delivery: 'ENHANCED_TLS' },
      { url: 'https://www.example.com/' },
    ],
  };
  const [command = '', ...args] = node;
  const result = await runProcess(command, [...args, driver, handlerFile, JSON.stringify(event)], {
    ...standinRunEnv(stack),
    LOG_LEVEL: 'info',
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (result.code !== 0 || !line) throw new Error(`the handler failed:\n${result.output}`);
  const [, arch = '', summary = '{}'] = /^RESULT (\S+) (.*)$/.exec(line) ?? [];
  const groups = (await stack.pushgateway.groups())
    .map((g) => `${JSON.stringify(g.labels)} ${[...g.families.keys()].sort().join(',')}`)
    .sort();
  return { arch, summary: JSON.parse(summary) as Record<string, unknown>, groups };
}

it('runs the packaged eStats bundle on arm64 Node 24 as on this machine, pushing the same groups', async () => {
  // The default architecture, as packaged.
  expect(architectures).toEqual(['arm64']);
  const here = await run([process.execPath]);
  const arm = await run(arm64Node(join(REPO_ROOT, '.tmp', 'arm64-node')));
  expect(arm.arch).toBe('arm64');
  expect(here.arch).toBe(process.arch);
  for (const { summary } of [here, arm])
    expect(summary).toMatchObject({ schedule: 'arm', targets: 3, ok: 3, failed: [] });
  expect(arm.groups.length).toBeGreaterThanOrEqual(4);
  expect(arm.groups).toEqual(here.groups);
}, 240_000);
