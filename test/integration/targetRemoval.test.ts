import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetRemovalChecksForTests } from '../../src/collectors/removal';
import {
  deliveredEvent,
  estatsScheduleOf,
  loadStageConfig,
  scheduleEvents,
} from '../../src/deploy/stage';
import { handler } from '../../src/handlers/estats';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';
import { useEstatsStack } from '../helpers/estatsStack';
import { DEPLOYABLE_SECTIONS } from '../helpers/stageConfig';

/**
 * Removed targets leave nothing behind: schedules deployed from a stage file, run against the
 * Akamai stand-in and the real Pushgateway; then the file changes (a redeploy) and the next
 * runs delete the groups of the targets a schedule dropped — and nobody else's.
 */
const stack = useEstatsStack();

const dir = mkdtempSync(join(tmpdir(), 'removal-'));

/** The schedule inputs serverless.yml would deploy for this stage file. */
function deploy(stage: string, schedules: Record<string, number[]>): Record<string, unknown> {
  const yaml = Object.entries(schedules)
    .map(
      ([name, cpCodes]) =>
        `  - rate: rate(2 minutes)\n    input:\n      name: ${name}\n      targets:\n${cpCodes.map((cp) => `        - cpCode: ${cp}\n`).join('')}`,
    )
    .join('');
  const file = join(dir, `${stage}.yml`);
  writeFileSync(file, `estats:\n${yaml}${DEPLOYABLE_SECTIONS}`);
  const events = scheduleEvents(loadStageConfig(file, stage), (fn, s) => `${fn}-${s}`).estats;
  return Object.fromEntries(events.map((e) => [estatsScheduleOf(e).name, deliveredEvent(e)]));
}

async function run(input: unknown): Promise<void> {
  await withEnv(
    {
      PUSHGATEWAY_URL: stack.pushgateway.url,
      AKAMAI_EDGERC: stack.edgercPath,
      AKAMAI_EDGERC_SECTION: 'standin',
      AKAMAI_SECRET_ID: undefined,
      ESTATS_MIN_INTERVAL_MS: '0',
      LOG_LEVEL: 'error',
    },
    () => captureStdout(() => handler(input, lambdaContext())),
  );
}

/** The CP codes with a target group in the Pushgateway. */
async function cpCodeGroups(): Promise<string[]> {
  return (await stack.pushgateway.groups())
    .filter((g) => g.labels.job === 'akamai_estats' && g.labels.cp_code)
    .map((g) => g.labels.cp_code as string)
    .sort();
}

it("deletes the groups a schedule dropped, never another schedule's, stage's or job's", async () => {
  resetRemovalChecksForTests();
  // prod: A and B share CP code 2; staging (same Pushgateway) has its own schedule A.
  const prod = deploy('prod', { A: [1, 2, 3], B: [2, 4] });
  const staging = deploy('staging', { A: [7] });
  for (const input of [prod.A, prod.B, staging.A]) await run(input);
  await fetch(`${stack.pushgateway.url}/metrics/job/someone_else/instance/x`, {
    method: 'PUT',
    body: 'foreign_metric 1\n',
  });
  expect(await cpCodeGroups()).toEqual(['1', '2', '3', '4', '7']);
  const marker = (
    await stack.pushgateway.group({ job: 'akamai_estats', cp_code: '2' })
  )?.families.get('collector_group_owner_info');
  expect(marker?.metrics[0]?.labels).toMatchObject({ stage: 'prod', schedules: 'A,B' });

  // Redeploy: A drops 1 (its own) and 2 (shared with B).
  const redeployed = deploy('prod', { A: [3], B: [2, 4] });
  await run(redeployed.A);
  expect(await cpCodeGroups()).toEqual(['2', '3', '4', '7']);
  // Run-health groups, staging's group and the foreign job are untouched.
  expect(await stack.pushgateway.group({ job: 'akamai_estats', schedule: 'A' })).toBeDefined();
  expect(await stack.pushgateway.group({ job: 'akamai_estats', schedule: 'B' })).toBeDefined();
  expect(await stack.pushgateway.group({ job: 'someone_else', instance: 'x' })).toBeDefined();

  // B now collects 2 alone, marks it so, and deletes it once it drops it too.
  await run(redeployed.B);
  const dropped = deploy('prod', { A: [3], B: [4] });
  await run(dropped.B);
  expect(await cpCodeGroups()).toEqual(['3', '4', '7']);
}, 60_000);

it('deletes nothing for a schedule deployed without a stage (hand-written input)', async () => {
  resetRemovalChecksForTests();
  await stack.pushgateway.wipe();
  await run({ name: 'manual', targets: [{ cpCode: 11 }, { cpCode: 12 }] });
  await run({ name: 'manual', targets: [{ cpCode: 12 }] });
  expect(await cpCodeGroups()).toEqual(['11', '12']);
  const group = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: '12' });
  expect(group?.families.has('collector_group_owner_info')).toBe(false);
}, 60_000);
