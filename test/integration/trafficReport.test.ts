import { signerFromEdgerc } from '../../src/akamai/edgegrid';
import { NO_DEADLINE } from '../../src/shared/deadline';
import { AccountPacer } from '../../src/traffic/accountPacer';
import { fetchTraffic, type TrafficFetchSettings } from '../../src/traffic/fetch';
import { httpRequest } from '../../src/shared/http';
import { BUCKET_SECONDS, TRAFFIC_REPORT_PATH, type TrafficRow } from '../../src/traffic/report';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';

/**
 * The traffic report's client against the Akamai stand-in, which enforces what Akamai
 * documents for `delivery/traffic/current`: the EdgeGrid signature, the body's shape, CP codes
 * as authorizable objects (403 naming them), the query cost (422), and the count-based limit
 * per account shared by every API client of it (429, akamai-sync-ratelimit-* headers).
 */

const ACCOUNT_CODES = Array.from({ length: 40 }, (_, i) => 500_000 + i);
const SETTINGS: TrafficFetchSettings = {
  maxRowsPerRequest: 10_000,
  maxInFlight: 2,
  requestTimeoutMs: 10_000,
};

let akamai: EstatsSimulator;
let edgercPath: string;

beforeAll(async () => {
  ({ akamai, edgercPath } = await startAkamaiStandin({
    cprg: {
      accounts: new Map([
        [
          '',
          ACCOUNT_CODES.map((cpcodeId) => ({
            cpcodeId,
            cpcodeName: `cp-${cpcodeId}`,
            contractId: 'C-1',
            groupId: 1,
            productIds: ['Site_Accel'],
          })),
        ],
      ]),
    },
    // A query cost of 60 rows, answers of at most 40 (more: metadata.hasMoreData).
    reporting: { maxQueryCost: 60, maxRows: 40, requestsPerMinute: 10, windowMs: 2_000 },
  }));
});
afterAll(() => akamai.stop());
beforeEach(() => {
  akamai.requests.length = 0;
});

/** The last `buckets` whole buckets that are final (older than the stand-in's 15 minutes). */
function finalRange(buckets: number): { startSec: number; endSec: number } {
  const endSec = Math.floor((Date.now() / 1000 - 20 * 60) / BUCKET_SECONDS) * BUCKET_SECONDS;
  return { startSec: endSec - buckets * BUCKET_SECONDS, endSec };
}

function expectFinal(rows: readonly TrafficRow[]): void {
  for (const row of rows) {
    const final = akamai.traffic.finalRow(row.cpCode, row.startSec * 1000);
    expect(row).toEqual({
      cpCode: row.cpCode,
      startSec: row.startSec,
      edgeHits: final.edgeHitsSum,
      edgeBytes: final.edgeBytesSum,
      originHits: final.originHitsSum,
      originBytes: final.originBytesSum,
    });
  }
}

const reportRequests = () => akamai.requests.filter((r) => r.path === TRAFFIC_REPORT_PATH);

test('a window over many CP codes and buckets comes back whole, split after each 422', async () => {
  const codes = ACCOUNT_CODES.slice(0, 10);
  const range = finalRange(12);
  const fetched = await fetchTraffic(
    [{ cpCodes: codes, ...range }],
    {
      signer: signerFromEdgerc(edgercPath, 'standin'),
      pacer: new AccountPacer(10, undefined, 2_000),
    },
    SETTINGS,
    NO_DEADLINE,
  );
  expect(fetched.failed.size).toBe(0);
  // 10 codes × 12 buckets = 120 rows, the query cost allows 60: split into pieces that fit.
  expect(fetched.rows).toHaveLength(120);
  expect(fetched.splits).toBeGreaterThan(0);
  expect(reportRequests().map((r) => r.status)).toContain(422);
  expectFinal(fetched.rows);
  const keys = new Set(fetched.rows.map((r) => `${r.cpCode}@${r.startSec}`));
  expect(keys.size).toBe(120);
});

test('an answer that says it left rows out (metadata.hasMoreData) is asked again in smaller pieces', async () => {
  // 4 CP codes × 12 buckets: 48 rows, under the query cost, over what one answer holds.
  const fetched = await fetchTraffic(
    [{ cpCodes: ACCOUNT_CODES.slice(0, 4), ...finalRange(12) }],
    {
      signer: signerFromEdgerc(edgercPath, 'standin'),
      pacer: new AccountPacer(10, undefined, 2_000),
    },
    SETTINGS,
    NO_DEADLINE,
  );
  expect(fetched.failed.size).toBe(0);
  expect(fetched.rows).toHaveLength(48);
  expectFinal(fetched.rows);
  expect(reportRequests().map((r) => r.status)).toEqual([200, 200, 200]);
  expect(fetched.splits).toBe(1);
});

test('a 403 naming unauthorized CP codes fails those codes alone and keeps the rest', async () => {
  const foreign = [990_001, 990_002];
  const codes = [ACCOUNT_CODES[0] as number, ...foreign, ACCOUNT_CODES[1] as number];
  const fetched = await fetchTraffic(
    [{ cpCodes: codes, ...finalRange(2) }],
    {
      signer: signerFromEdgerc(edgercPath, 'standin'),
      pacer: new AccountPacer(10, undefined, 2_000),
    },
    SETTINGS,
    NO_DEADLINE,
  );
  expect([...fetched.failed.keys()].sort()).toEqual(foreign);
  for (const code of foreign) {
    const error = fetched.failed.get(code);
    expect(error?.reason).toBe('unauthorized_cp_code');
    expect(error?.message).toContain('990001');
    expect(error?.hint).toMatch(/remove them from the schedule/);
  }
  expect(new Set(fetched.rows.map((r) => r.cpCode))).toEqual(
    new Set([ACCOUNT_CODES[0], ACCOUNT_CODES[1]]),
  );
  expectFinal(fetched.rows);
  expect(reportRequests().map((r) => r.status)).toEqual([403, 200]);
});

/**
 * Two schedules on two API clients of the one account, fired together, each paced to `share`
 * requests a window: twelve single-CP-code requests each. A window's wait first: the tests
 * before spent some of the account's budget.
 */
async function twoSchedules(share: number) {
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  const range = finalRange(1);
  const run = (section: string, codes: readonly number[]) =>
    fetchTraffic(
      codes.map((code) => ({ cpCodes: [code], ...range })),
      {
        signer: signerFromEdgerc(edgercPath, section),
        pacer: new AccountPacer(share, undefined, 2_000),
      },
      { ...SETTINGS, maxInFlight: 4 },
      NO_DEADLINE,
    );
  return Promise.all([
    run('standin', ACCOUNT_CODES.slice(0, 12)),
    run('no-grant', ACCOUNT_CODES.slice(12, 24)),
  ]);
}

test('two schedules on two API clients of one account share its budget: no 429 storm', async () => {
  // The account allows 10 requests a window; packaging gives each schedule half.
  const [first, second] = await twoSchedules(5);
  expect(first.failed.size + second.failed.size).toBe(0);
  expect(first.rows).toHaveLength(12);
  expect(second.rows).toHaveLength(12);
  const statuses = reportRequests().map((r) => r.status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(24);
  // Both clients' requests counted against the one account: the shares kept them under it.
  expect(new Set(reportRequests().map((r) => r.clientToken)).size).toBe(2);
  expect(statuses.filter((s) => s === 429)).toHaveLength(0);
});

test('without shares, the two clients overspend the account and meet its 429', async () => {
  // The control of the test above: each run taking the whole limit draws 429s, which shows the
  // stand-in counts both clients against one account.
  const [first, second] = await twoSchedules(10);
  expect(reportRequests().filter((r) => r.status === 429).length).toBeGreaterThan(0);
  const failed = [...first.failed.values(), ...second.failed.values()];
  expect(first.rows.length + second.rows.length + failed.length).toBe(24);
  for (const error of failed) expect(error.reason).toBe('rate_limited');
});

test('the stand-in refuses what Akamai refuses: a misaligned range, an unknown metric', async () => {
  const signer = signerFromEdgerc(edgercPath, 'standin');
  const post = async (query: Record<string, string>, body: unknown) => {
    const text = JSON.stringify(body);
    const signed = signer.signJsonPost(TRAFFIC_REPORT_PATH, text, query);
    return httpRequest({
      method: 'POST',
      url: signed.url,
      headers: signed.headers,
      body: text,
      timeoutMs: 5_000,
    });
  };
  const { startSec, endSec } = finalRange(1);
  const iso = (sec: number) => new Date(sec * 1000).toISOString();
  const misaligned = await post(
    { start: iso(startSec + 60), end: iso(endSec) },
    { dimensions: ['time5minutes', 'cpcode'], metrics: ['edgeHitsSum'] },
  );
  expect(misaligned.status).toBe(400);
  expect(JSON.parse(misaligned.body).detail).toMatch(/multiples/);
  const unknown = await post(
    { start: iso(startSec), end: iso(endSec) },
    { dimensions: ['time5minutes'], metrics: ['edgeHits'] },
  );
  expect(unknown.status).toBe(400);
  expect(JSON.parse(unknown.body).type).toBe('/reporting-api/error-types/bad-request');
  expect(unknown.headers['akamai-sync-ratelimit-limit']).toBe('10');
});
