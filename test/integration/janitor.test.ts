import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStageConfig, scheduleEvents } from '../../src/deploy/stage';
import { handler } from '../../src/handlers/janitor';
import { JanitorRunError } from '../../src/janitor/errors';
import type { JanitorSummary } from '../../src/janitor/janitor';
import { RealPushgateway } from '../../dev/realPushgateway';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';
import { ownerMark } from '../helpers/ownerMark';
import { REPO_ROOT } from '../helpers/runProcess';
import { DEPLOYABLE_SECTIONS } from '../helpers/stageConfig';

/**
 * The janitor against the real Pushgateway, with the input packaging gives it from a stage
 * file, and a TTL of 2 s so that groups grow old in real time: old groups of this product's
 * jobs go, fresh ones and other jobs' stay, the run-health group of a deployed schedule stays,
 * a run deletes at most its bound, a dry run deletes nothing.
 */
let pushgateway: RealPushgateway;
beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
});
afterAll(async () => {
  await pushgateway.stop();
});
beforeEach(() => pushgateway.wipe());

/**
 * The janitor's input as packaging writes it, with TTLs of 2 s: shorter than packaging allows
 * (a few intervals of the slowest schedule), so set on the packaged input as a test's clock.
 */
function janitorInput(janitor = ''): Record<string, unknown> {
  const file = join(mkdtempSync(join(tmpdir(), 'janitor-')), 'prod.yml');
  writeFileSync(
    file,
    `estats:\n  - rate: rate(2 minutes)\n    input:\n      name: main\n      targets:\n        - cpCode: 1\njanitor:\n  enabled: true\n${janitor}${DEPLOYABLE_SECTIONS}`,
  );
  const [event] = scheduleEvents(loadStageConfig(file, 'prod'), (f, s) => `${f}-${s}`).janitor;
  const input = event?.schedule.input as Record<string, unknown>;
  return { ...input, ttl: { ...(input.ttl as object), ...TTL_2S } };
}

const TTL_2S = { akamai_estats: '2s', synthetic_telemetry: '2s' };

/** A group as this stage's collectors push it: marked as prod's (collectors/ownership.ts). */
async function push(path: string, body = `some_value 1\n${ownerMark('prod')}`): Promise<void> {
  const res = await fetch(`${pushgateway.url}/metrics/${path}`, { method: 'PUT', body });
  expect(res.status).toBe(200);
}

async function janitor(input: unknown): Promise<JanitorSummary> {
  const { result, error } = await withEnv(
    { PUSHGATEWAY_URL: pushgateway.url, LOG_LEVEL: 'error' },
    () => captureStdout(() => handler(input, lambdaContext(60_000, 'janitor'))),
  );
  if (error || !result) throw error;
  return result as JanitorSummary;
}

async function groupPaths(): Promise<string[]> {
  return (await pushgateway.groups())
    .map((g) =>
      Object.entries(g.labels)
        .sort(([a], [b]) => (a === 'job' ? -1 : b === 'job' ? 1 : a.localeCompare(b)))
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    )
    .sort();
}

/** Old groups of every kind, then (2.5 s later, past the TTL) fresh ones. */
async function oldAndFresh(): Promise<void> {
  await push('job/akamai_estats/cp_code/1');
  await push('job/akamai_estats/cp_code/2');
  await push('job/synthetic_telemetry/fleet/lab/device/switch-9');
  // Run health of a schedule still deployed (main) and of one no longer deployed (gone).
  await push('job/akamai_estats/schedule/main', `collector_run_success 1\n${ownerMark('prod')}`);
  await push('job/akamai_estats/schedule/gone', `collector_run_success 1\n${ownerMark('prod')}`);
  await push('job/someone_else/instance/x', 'some_value 1\n');
  // Another stage's group on the same Pushgateway, and one of our job without our mark.
  await push('job/akamai_estats/cp_code/7', `some_value 1\n${ownerMark('staging')}`);
  await push('job/akamai_estats/cp_code/8', 'some_value 1\n');
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await push('job/akamai_estats/cp_code/3');
}

it("deletes this product's groups older than their TTL, and nothing else", async () => {
  await oldAndFresh();
  const summary = await janitor(janitorInput());
  expect(summary.expired).toBe(4);
  expect(await groupPaths()).toEqual([
    'job=akamai_estats,cp_code=3',
    // Kept: not this stage's.
    'job=akamai_estats,cp_code=7',
    'job=akamai_estats,cp_code=8',
    // Kept: a stopped collector whose schedule is still deployed keeps its stale alert.
    'job=akamai_estats,schedule=main',
    'job=pushgate_janitor,stage=prod',
    'job=someone_else,instance=x',
  ]);
  const report = await pushgateway.group({ job: 'pushgate_janitor', stage: 'prod' });
  const deleted = report?.families.get('janitor_deleted_groups')?.metrics ?? [];
  expect(Object.fromEntries(deleted.map((m) => [m.labels.collector_job, Number(m.value)]))).toEqual(
    { akamai_estats: 3, synthetic_telemetry: 1, pushgate_scrape: 0, akamai_traffic: 0 },
  );
}, 30_000);

it('deletes at most maxDeletesPerRun, oldest first, and leaves the rest for the next run', async () => {
  await oldAndFresh();
  const input = janitorInput('  maxDeletesPerRun: 1\n');
  const first = await janitor(input);
  expect(first).toMatchObject({ expired: 4, deferred: 3 });
  expect(first.deleted.map((d) => d.group)).toEqual(['{job="akamai_estats",cp_code="1"}']);
  expect((await janitor(input)).deleted.map((d) => d.group)).toEqual([
    '{job="akamai_estats",cp_code="2"}',
  ]);
}, 30_000);

it('deletes nothing in a dry run, and says what it would delete', async () => {
  await oldAndFresh();
  const before = await groupPaths();
  const summary = await janitor(janitorInput('  dryRun: true\n'));
  expect(summary.dryRun).toBe(true);
  expect(summary.deleted).toHaveLength(4);
  expect((await groupPaths()).filter((p) => !p.startsWith('job=pushgate_janitor'))).toEqual(before);
}, 30_000);

it('deletes nothing when it cannot read the whole group list', async () => {
  await oldAndFresh();
  const before = await groupPaths();
  const { error } = await withEnv(
    { PUSHGATEWAY_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'error', PUSHGATEWAY_MAX_ATTEMPTS: '1' },
    () => captureStdout(() => handler(janitorInput(), lambdaContext(5_000, 'janitor'))),
  );
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(JanitorRunError);
  expect(await groupPaths()).toEqual(before);
}, 30_000);

it('runs from the command line: npm run janitor -- --dry-run', () => {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/janitor.ts', '--dry-run', '--pushgateway', pushgateway.url],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('janitor dry run finished');
});

it('cleans nothing, and fails nothing, when SINKS has no Pushgateway', async () => {
  await oldAndFresh();
  const before = await groupPaths();
  const { result, error } = await withEnv(
    { PUSHGATEWAY_URL: pushgateway.url, SINKS: 'remote-write', LOG_LEVEL: 'error' },
    () => captureStdout(() => handler(janitorInput(), lambdaContext(60_000, 'janitor'))),
  );
  expect(error).toBeUndefined();
  expect(result).toEqual({ skipped: 'SINKS=remote-write has no Pushgateway: nothing to clean' });
  expect(await groupPaths()).toEqual(before);
}, 30_000);
