/**
 * `targets: { discover: {…} }`: the eStats function finds its CP codes at run time from the
 * Akamai stand-in's CP-code list (EdgeGrid-checked), refreshes them after refreshSeconds, and
 * pushes to a real Pushgateway. A CP code that appears is collected from the next refresh on;
 * one that disappears loses its group, like a target taken out of the file.
 */
import type { EstatsSimulator, StandinCpCode } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { RealPushgateway } from '../../dev/realPushgateway';
import { resetDiscoveryForTests } from '../../src/collectors/discoveredTargets';
import { resetRemovalChecksForTests } from '../../src/collectors/removal';
import type { EstatsRunSummary } from '../../src/collectors/estats';
import { handler } from '../../src/handlers/estats';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

const cp = (cpcodeId: number, cpcodeName: string): StandinCpCode => ({
  cpcodeId,
  cpcodeName,
  contractId: 'C-0N7RAC7',
  groupId: 54321,
  productIds: ['Site_Accel'],
});

// The stand-in reads this list on every request: tests change the account by changing it.
const account: StandinCpCode[] = [];
let akamai: EstatsSimulator;
let edgercPath: string;
let pushgateway: RealPushgateway;
/** How far the tests moved the discovery's refresh clock ahead. */
let clockAheadMs = 0;

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  ({ akamai, edgercPath } = await startAkamaiStandin({
    cprg: { accounts: new Map([['', account]]) },
  }));
});
afterAll(async () => {
  await akamai?.stop();
  await pushgateway?.stop();
});
beforeEach(async () => {
  account.splice(
    0,
    account.length,
    cp(510001, 'shop-images'),
    cp(510002, 'shop-api'),
    cp(510007, 'intranet'),
  );
  // A cold container whose refresh clock the tests move.
  resetDiscoveryForTests(() => Date.now() + clockAheadMs);
  resetRemovalChecksForTests();
  await pushgateway.wipe();
});

/** The event as packaging gives it: its stage, and a schedule with no listed targets. */
const schedule = (discover: Record<string, unknown>) => ({
  stage: 'it',
  schedule: {
    name: 'found',
    intervalSeconds: 120,
    targets: [],
    discover: { name: 'shop', refreshSeconds: 600, maxTargets: 10, ...discover },
  },
});

const run = (discover: Record<string, unknown> = {}) =>
  withEnv(
    {
      PUSHGATEWAY_URL: pushgateway.url,
      AKAMAI_EDGERC: edgercPath,
      AKAMAI_EDGERC_SECTION: 'standin',
      AKAMAI_SECRET_ID: undefined,
      ESTATS_MIN_INTERVAL_MS: '0',
      LOG_LEVEL: 'info',
    },
    () => captureStdout(() => handler(schedule(discover), lambdaContext(60_000))),
  ).then((outcome) => ({ ...outcome, summary: outcome.result as EstatsRunSummary | undefined }));

/** The CP codes with a group in the Pushgateway, and their names (target info series). */
async function collected(): Promise<Record<string, string | undefined>> {
  const groups = (await pushgateway.groups()).filter((g) => g.labels.cp_code);
  return Object.fromEntries(
    groups
      .map((g) => [
        g.labels.cp_code ?? '',
        g.families.get('akamai_estats_target_info')?.metrics[0]?.labels.name,
      ])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

const listRequests = () => akamai.requests.filter((r) => r.path === '/cprg/v1/cpcodes').length;

it('collects the CP codes it finds, with their names, and a new one from the next refresh on', async () => {
  const first = await run();
  expect(first.error).toBeUndefined();
  expect(await collected()).toEqual({ '510001': 'shop-images', '510002': 'shop-api' });
  expect(first.lines.join('\n')).toContain('"message":"eStats targets discovered"');

  // A CP code appears in the account: the warm container asks again only after refreshSeconds.
  account.push(cp(510003, 'shop-checkout'));
  const before = listRequests();
  await run();
  expect(listRequests()).toBe(before);
  expect(Object.keys(await collected())).toEqual(['510001', '510002']);

  clockAheadMs += 601_000;
  const refreshed = await run();
  expect(refreshed.error).toBeUndefined();
  expect(listRequests()).toBe(before + 1);
  expect(await collected()).toEqual({
    '510001': 'shop-images',
    '510002': 'shop-api',
    '510003': 'shop-checkout',
  });
  const discovered = refreshed.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.message === 'eStats targets discovered');
  expect(discovered).toMatchObject({
    schedule: 'found',
    matched: 3,
    appeared: [510003],
    disappeared: [],
  });
});

it('deletes the group of a CP code once two answers in a row lack it', async () => {
  await run();
  expect(Object.keys(await collected())).toEqual(['510001', '510002']);
  account.splice(
    account.findIndex((c) => c.cpcodeId === 510002),
    1,
  );
  // One answer without it: kept (a partial answer must not delete), but no longer collected.
  clockAheadMs += 601_000;
  const once = await run();
  expect(once.error).toBeUndefined();
  expect(once.lines.join('\n')).toContain('"disappeared":[510002]');
  expect(Object.keys(await collected())).toEqual(['510001', '510002']);
  // The next refresh says the same: now it goes.
  clockAheadMs += 601_000;
  const twice = await run();
  expect(twice.error).toBeUndefined();
  expect(Object.keys(await collected())).toEqual(['510001']);
  expect(twice.summary?.removedTargets).toEqual(['{job="akamai_estats",cp_code="510002"}']);
});

it('deletes nothing on the first answer of a cold container, however partial', async () => {
  account.push(cp(510003, 'shop-checkout'));
  await run();
  expect(Object.keys(await collected())).toEqual(['510001', '510002', '510003']);
  // A new container (no earlier answer) gets an answer without 510002 and 510003.
  resetDiscoveryForTests(() => Date.now() + clockAheadMs);
  resetRemovalChecksForTests();
  for (const gone of [510002, 510003])
    account.splice(
      account.findIndex((c) => c.cpcodeId === gone),
      1,
    );
  const cold = await run();
  expect(cold.error).toBeUndefined();
  expect(Object.keys(await collected())).toEqual(['510001', '510002', '510003']);
  // Its next refresh gives the same answer: both go, as in a warm container.
  clockAheadMs += 601_000;
  await run();
  expect(Object.keys(await collected())).toEqual(['510001']);
});

it('refuses a run that matches more CP codes than maxTargets, pushing nothing', async () => {
  const { error } = await run({ maxTargets: 1 });
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe(
    'schedule found: discovery matched 2 CP codes, more than its maxTargets 1',
  );
  expect((error as { hint?: string }).hint).toContain('raise maxTargets to at least 2');
  expect(await collected()).toEqual({});
});

it('keeps collecting the last discovered CP codes while Akamai cannot be asked, and says so', async () => {
  await run();
  clockAheadMs += 601_000;
  akamai.queueCpCodesBehaviour({ kind: 'status', status: 403 }, 1);
  const { error, lines } = await run();
  expect(error).toBeUndefined();
  expect(lines.join('\n')).toContain(
    'eStats target discovery failed: the last discovered targets are used',
  );
  expect(Object.keys(await collected())).toEqual(['510001', '510002']);
});

it('fails, deleting nothing, when the first discovery cannot ask Akamai', async () => {
  akamai.queueCpCodesBehaviour({ kind: 'status', status: 403 }, 1);
  const { error } = await run();
  expect((error as Error).message).toContain('schedule found: its targets cannot be discovered');
  expect((error as { hint?: string }).hint).toContain('CPRG');
  expect(await collected()).toEqual({});
});

it('keeps the last list, deleting nothing, when Akamai suddenly lists none at all', async () => {
  await run();
  account.splice(0, account.length);
  clockAheadMs += 601_000;
  const { error, lines } = await run();
  expect(error).toBeUndefined();
  expect(lines.join('\n')).toContain('Akamai listed none of the 2 CP codes it listed before');
  expect(Object.keys(await collected())).toEqual(['510001', '510002']);
});
