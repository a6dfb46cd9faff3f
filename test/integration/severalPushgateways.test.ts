import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectorRunError } from '../../src/collectors/errors';
import { resetRemovalChecksForTests } from '../../src/collectors/removal';
import type { EstatsRunSummary } from '../../src/collectors/estats';
import { deliveredEvent, loadStageConfig, scheduleEvents } from '../../src/deploy/stage';
import { handler as estatsHandler } from '../../src/handlers/estats';
import { handler as janitorHandler } from '../../src/handlers/janitor';
import { JanitorRunError } from '../../src/janitor/errors';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { RealPushgateway } from '../../dev/realPushgateway';
import { captureStdout, withEnv } from '../helpers/env';
import { ownerMark } from '../helpers/ownerMark';
import { lambdaContext } from '../helpers/lambdaContext';
import { DEPLOYABLE_SECTIONS } from '../helpers/stageConfig';

/**
 * Two real Pushgateways, one of them stopped in the middle of a run and started again later
 * (with its persistence file, as a restarted Pushgateway comes back): nothing is lost on the
 * other, the run reports what the stopped one missed, the next run heals it, and deletions
 * reach it once it is back.
 */
const TARGETS = [1, 2, 3, 4, 5, 6];
let first: RealPushgateway;
let second: RealPushgateway;
let akamai: EstatsSimulator;
let edgercPath: string;

beforeAll(async () => {
  first = await RealPushgateway.start();
  second = await RealPushgateway.start();
  ({ akamai, edgercPath } = await startAkamaiStandin());
  for (const cpCode of TARGETS) akamai.setBehaviour({ cpCode }, { kind: 'delay', ms: 250 });
});
afterAll(async () => {
  await first.stop();
  await second.stop();
  await akamai.stop();
});
beforeEach(async () => {
  resetRemovalChecksForTests();
  await first.wipe();
  await second.wipe();
});

const dir = mkdtempSync(join(tmpdir(), 'several-'));

/** The input serverless.yml would deploy for a stage file with one schedule of these CP codes. */
function deploy(cpCodes: number[]): unknown {
  const file = join(dir, 'prod.yml');
  writeFileSync(
    file,
    `estats:\n  - rate: rate(2 minutes)\n    input:\n      name: main\n      targets:\n${cpCodes.map((cp) => `        - cpCode: ${cp}\n`).join('')}${DEPLOYABLE_SECTIONS}`,
  );
  const [event] = scheduleEvents(loadStageConfig(file, 'prod'), (fn, s) => `${fn}-${s}`).estats;
  return event ? deliveredEvent(event) : {};
}

/** One eStats run against both Pushgateways; `whileRunning` goes on meanwhile. */
async function run(
  input: unknown,
  env: Record<string, string> = {},
  whileRunning: () => Promise<void> = async () => {},
): Promise<{ result?: EstatsRunSummary; error?: unknown; lines: string[] }> {
  return withEnv(
    {
      PUSHGATEWAY_URL: `${first.url},${second.url}`,
      PUSHGATEWAY_MAX_ATTEMPTS: '2',
      AKAMAI_EDGERC: edgercPath,
      AKAMAI_EDGERC_SECTION: 'standin',
      AKAMAI_SECRET_ID: undefined,
      // One request at a time, each answered after 250 ms (beforeAll), so the run lasts long
      // enough to stop a Pushgateway in its middle.
      ESTATS_MAX_IN_FLIGHT: '1',
      LOG_LEVEL: 'info',
      ...env,
    },
    () =>
      captureStdout(async () => {
        const [outcome] = await Promise.all([
          estatsHandler(input, lambdaContext()).then(
            (result) => ({ result: result as EstatsRunSummary }),
            (error: unknown) => ({ error }),
          ),
          whileRunning(),
        ]);
        if ('error' in outcome) throw outcome.error;
        return outcome.result;
      }),
  );
}

/** The CP codes with a target group on this Pushgateway. */
async function cpCodes(pushgateway: RealPushgateway): Promise<string[]> {
  return (await pushgateway.groups())
    .filter((g) => g.labels.job === 'akamai_estats' && g.labels.cp_code)
    .map((g) => g.labels.cp_code as string)
    .sort();
}

/** The collector's report of what each Pushgateway missed, as one Pushgateway holds it. */
async function missedGroups(pushgateway: RealPushgateway): Promise<Record<string, string>> {
  const health = await pushgateway.group({ job: 'akamai_estats', schedule: 'main' });
  const family = health?.families.get('collector_pushgateway_missed_groups');
  return Object.fromEntries(
    (family?.metrics ?? []).map((m) => [m.labels.pushgateway ?? '', m.value ?? '']),
  );
}

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

it('loses nothing when one stops mid-run, reports what it missed, and the next run heals it', async () => {
  const input = deploy(TARGETS);
  // Stop the second Pushgateway (SIGTERM: it writes its persistence file) once it holds two
  // target groups; start it again after the run.
  const stopMidRun = async () => {
    await waitUntil(async () => (await cpCodes(second)).length >= 2);
    await second.stop();
  };
  let outcome = await run(input, {}, stopMidRun);
  await second.startAgain();

  // The run succeeded: the quorum (one) took every group.
  expect(outcome.error).toBeUndefined();
  expect(outcome.result?.failed).toEqual([]);
  const [onFirst, onSecond] = outcome.result?.pushgateways ?? [];
  expect(onFirst).toEqual({ pushgateway: first.url, missedGroups: 0 });
  expect(onSecond?.pushgateway).toBe(second.url);
  expect(onSecond?.missedGroups).toBeGreaterThanOrEqual(1);
  expect(onSecond?.error).toContain(second.url);
  expect(outcome.lines.join('\n')).toContain(
    'some Pushgateways missed groups; the quorum took them all',
  );

  // Nothing lost on the first; the second holds what it took before it stopped.
  expect(await cpCodes(first)).toEqual(TARGETS.map(String));
  const keptBySecond = await cpCodes(second);
  expect(keptBySecond.length).toBeGreaterThanOrEqual(2);
  expect(keptBySecond.length).toBeLessThan(TARGETS.length);
  // The report is on the first, counting what the second missed.
  expect(await missedGroups(first)).toEqual({
    [first.url]: '0',
    [second.url]: String(onSecond?.missedGroups),
  });

  // The next run pushes every group whole to both.
  outcome = await run(input);
  expect(outcome.error).toBeUndefined();
  expect(outcome.result?.pushgateways?.map((p) => p.missedGroups)).toEqual([0, 0]);
  expect(await cpCodes(second)).toEqual(TARGETS.map(String));
  expect(await missedGroups(second)).toEqual({ [first.url]: '0', [second.url]: '0' });
}, 60_000);

it('fails the run, naming the Pushgateway, when fewer than the quorum took every group', async () => {
  const input = deploy([1, 2]);
  await second.stop();
  try {
    const { error } = await run(input, { PUSHGATEWAY_QUORUM: '2', ESTATS_MIN_INTERVAL_MS: '0' });
    expect(error).toBeInstanceOf(CollectorRunError);
    const message = (error as Error).message;
    expect(message).toContain('fewer than the quorum of 2');
    expect(message).toContain(second.url);
    // Still, nothing is lost where it could land.
    expect(await cpCodes(first)).toEqual(['1', '2']);
  } finally {
    await second.startAgain();
  }
}, 60_000);

it('deletes a removed target from both, the one that was down on a later run', async () => {
  await run(deploy([1, 2, 3]), { ESTATS_MIN_INTERVAL_MS: '0' });
  expect(await cpCodes(second)).toEqual(['1', '2', '3']);
  const redeployed = deploy([1, 2]);

  await second.stop();
  const whileDown = await run(redeployed, { ESTATS_MIN_INTERVAL_MS: '0' });
  // Deleted where it could be; the run says where it could not, and still succeeds (quorum 1).
  expect(whileDown.error).toBeUndefined();
  expect(whileDown.result?.removalDeferredOn).toEqual([second.url]);
  expect(await cpCodes(first)).toEqual(['1', '2']);

  // Back with its persistence file, CP code 3 included: the next run deletes it there too.
  await second.startAgain();
  expect(await cpCodes(second)).toEqual(['1', '2', '3']);
  const healed = await run(redeployed, { ESTATS_MIN_INTERVAL_MS: '0' });
  expect(healed.error).toBeUndefined();
  expect(await cpCodes(second)).toEqual(['1', '2']);
}, 60_000);

it('runs the janitor on each: a Pushgateway it cannot read fails the run, the other is cleaned', async () => {
  await fetch(`${first.url}/metrics/job/akamai_estats/cp_code/9`, {
    method: 'PUT',
    body: `akamai_estats_up 1\n${ownerMark('prod')}`,
  });
  await fetch(`${second.url}/metrics/job/akamai_estats/cp_code/9`, {
    method: 'PUT',
    body: `akamai_estats_up 1\n${ownerMark('prod')}`,
  });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await second.stop();
  try {
    const { error } = await withEnv(
      {
        PUSHGATEWAY_URL: `${first.url},${second.url}`,
        PUSHGATEWAY_MAX_ATTEMPTS: '1',
        LOG_LEVEL: 'error',
      },
      () =>
        captureStdout(() =>
          janitorHandler(
            { stage: 'prod', ttl: { akamai_estats: '1s' } },
            lambdaContext(30_000, 'janitor'),
          ),
        ),
    );
    expect(error).toBeInstanceOf(JanitorRunError);
    expect((error as Error).message).toContain(`group list of ${second.url} not read`);
    expect(await cpCodes(first)).toEqual([]);
  } finally {
    await second.startAgain();
  }
  // Untouched while it was down: the next janitor run takes it.
  expect(await cpCodes(second)).toEqual(['9']);
}, 60_000);
