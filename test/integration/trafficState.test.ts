import { handler } from '../../src/handlers/traffic';
import { resetS3ForTests } from '../../src/aws/s3';
import { RealPushgateway } from '../../dev/realPushgateway';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { startS3Standin, type S3Standin } from '../../dev/simulators/s3';
import { captureStdout, s3StandinEnv, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * The traffic function's delivered state where a deployed stage keeps it: an object in the
 * stage's TrafficStateBucket, through the real AWS SDK, against the S3 stand-in (it checks
 * SigV4 as S3 does). What a repeated delivery, a state that cannot be read, and S3 being down
 * do to a run.
 */
const BUCKET = 'traffic-state-bucket';
const KEY = 'traffic-state/prod/cdn.json';
let s3: S3Standin;
let akamai: EstatsSimulator;
let edgercPath: string;
let pushgateway: RealPushgateway;

beforeAll(async () => {
  ({ akamai, edgercPath } = await startAkamaiStandin());
  pushgateway = await RealPushgateway.start();
});
afterAll(async () => {
  await akamai?.stop();
  await pushgateway?.stop();
});
beforeEach(async () => {
  resetS3ForTests();
  s3 = await startS3Standin();
  s3.createBucket(BUCKET);
});
afterEach(() => s3.stop());

const env = () => ({
  ...s3StandinEnv(s3.endpoint),
  TRAFFIC_STATE_BUCKET: BUCKET,
  TRAFFIC_STATE_DIR: undefined,
  PUSHGATEWAY_URL: pushgateway.url,
  AKAMAI_EDGERC: edgercPath,
  AKAMAI_EDGERC_SECTION: 'standin',
  AKAMAI_SECRET_ID: undefined,
  LOG_LEVEL: 'info',
});

const EVENT = {
  stage: 'prod',
  schedule: {
    name: 'cdn',
    targets: [424242, 424243, 424244].map((cpCode) => ({ cpCode })),
  },
};

const invoke = () =>
  withEnv(env(), () => captureStdout(() => handler(EVENT, lambdaContext(30_000, 'traffic'))));

/** The newest version of the state object, parsed. */
function stateObject(): { delivered: Record<string, number> } | undefined {
  const newest = s3.versionsOf(BUCKET)?.find((v) => v.key === KEY && !v.deleteMarker);
  return newest ? (JSON.parse(newest.body.toString('utf8')) as never) : undefined;
}

test('a first run writes its state to S3; the same tick delivered again finds nothing to do', async () => {
  const first = await invoke();
  expect(first.error).toBeUndefined();
  expect(first.result).toMatchObject({ ok: 3, upToDate: 0 });
  const state = stateObject();
  const newestEnd = Date.parse((first.result as { newestBucketEnd: string }).newestBucketEnd);
  expect(state?.delivered).toEqual({
    '424242': newestEnd / 1000,
    '424243': newestEnd / 1000,
    '424244': newestEnd / 1000,
  });
  // A duplicate delivery (EventBridge is at-least-once): its buckets are delivered already.
  const again = await invoke();
  expect(again.error).toBeUndefined();
  expect(again.result).toMatchObject({ ok: 0, upToDate: 3, backfilledBuckets: 0 });
  expect(s3.calls.filter((c) => c.operation === 'GetObject').map((c) => c.status)).toEqual([
    404, 200,
  ]);
});

test('a state it cannot read fails the run, saying what to do, after pushing the newest buckets', async () => {
  s3.seed(BUCKET, KEY, 'not json');
  const run = await invoke();
  expect(run.error).toBeInstanceOf(Error);
  const message = (run.error as Error).message;
  expect(message).toContain(`the traffic state at s3://${BUCKET}/${KEY} is not JSON`);
  expect(message).toContain('delete it');
  expect(message).not.toMatch(/\n\s+at /);
  // The CP codes were still pushed, and the unreadable state was left as it was.
  expect(
    run.lines.some((l) => l.includes('"message":"traffic run finished"') && l.includes('"ok":3')),
  ).toBe(true);
  const versions = s3.versionsOf(BUCKET)?.filter((v) => v.key === KEY) ?? [];
  expect(versions.map((v) => v.body.toString('utf8'))).toEqual(['not json']);
});

test('S3 down: the run pushes the newest buckets, writes no state, and fails saying so', async () => {
  await s3.stop();
  const run = await invoke();
  expect((run.error as Error).message).toMatch(
    new RegExp(`cannot read the traffic state s3://${BUCKET}/${KEY}`),
  );
  expect(
    run.lines.some((l) => l.includes('"message":"traffic run finished"') && l.includes('"ok":3')),
  ).toBe(true);
  s3 = await startS3Standin();
});

test("a schedule that discovers its CP codes collects the account's matches, with Akamai's names", async () => {
  const run = await withEnv(env(), () =>
    captureStdout(() =>
      handler(
        { stage: 'prod', schedule: { name: 'found', discover: { match: '^example-' } } },
        lambdaContext(30_000, 'traffic'),
      ),
    ),
  );
  expect(run.error).toBeUndefined();
  expect(run.result).toMatchObject({ targets: 3, ok: 3 });
  expect(run.lines.some((l) => l.includes('"message":"traffic targets discovered"'))).toBe(true);
  const text = await (await fetch(`${pushgateway.url}/metrics`)).text();
  expect(text).toMatch(
    /akamai_traffic_target_info\{[^}]*cp_code="424243"[^}]*name="example-video"/,
  );
  // intranet-test does not match: never asked for.
  expect(text).not.toContain('cp_code="424299"');
});
