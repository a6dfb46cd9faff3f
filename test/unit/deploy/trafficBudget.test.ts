import type { AkamaiClient } from '../../../src/akamai/clients';
import {
  checkedTrafficBudget,
  trafficShares,
} from '../../../src/deploy/stage/collectors/trafficBudget';
import { parseTrafficSchedule } from '../../../src/traffic/schedule';

const client = (name: string, account?: string): AkamaiClient => ({
  name,
  rateLimitPerMinute: 40,
  reserve: 0.1,
  reportingRequestsPerMinute: 120,
  ...(account ? { account } : {}),
});

/** A schedule of `codes` CP codes every `minutes` minutes on `on`. */
function schedule(name: string, codes: number, on: AkamaiClient, minutes = 5, extra = {}) {
  return {
    rate: `rate(${minutes} minutes)`,
    enabled: true,
    input: {
      ...parseTrafficSchedule({
        name,
        targets: Array.from({ length: codes }, (_, i) => ({ cpCode: 100_000 + i })),
        ...extra,
      }),
      client: on,
      intervalSeconds: minutes * 60,
    },
  };
}

test('two schedules on two API clients of one account share its budget, in proportion to need', () => {
  const traffic = [
    schedule('big', 60_000, client('a', 'acme')),
    schedule('small', 300, client('b', 'acme')),
  ];
  const shares = trafficShares(traffic);
  // 108 usable of 120 (the 10 % reserve), shared: never more than the account allows.
  expect((shares.get('big') ?? 0) + (shares.get('small') ?? 0)).toBeLessThanOrEqual(108);
  expect(shares.get('big')).toBeGreaterThan(shares.get('small') ?? 0);
  expect(shares.get('small')).toBeGreaterThanOrEqual(1);
  const table = checkedTrafficBudget({ traffic, file: 'config/prod.yml' }, 120, 5_000);
  expect(table).toContain('account acme: 120 requests/min, 108 usable after the reserve');
  expect(table).toMatch(/big: 60000 CP codes every 300 s, 3 requests a run/);
});

test('clients of different accounts each have a budget of their own', () => {
  const shares = trafficShares([
    schedule('one', 300, client('a', 'acme')),
    schedule('two', 300, client('b', 'other')),
  ]);
  expect(shares).toEqual(
    new Map([
      ['one', 108],
      ['two', 108],
    ]),
  );
});

test('refuses an account whose schedules need more than it allows, with the numbers and the ways out', () => {
  // Every minute, 300 CP codes at 10 rows a request: 30 requests a run, 30 a minute each.
  const traffic = ['a', 'b', 'c', 'd'].map((name) =>
    schedule(name, 300, client(name, 'acme'), 1, { maxRowsPerRequest: 10 }),
  );
  expect(() => checkedTrafficBudget({ traffic, file: 'config/prod.yml' }, 900, 5_000)).toThrow(
    /Akamai account acme: its traffic schedules need 120\.0 requests\/min, over the 108 its Reporting limit of 120\/min leaves \(a 30\.0, b 30\.0, c 30\.0, d 30\.0\)/,
  );
  try {
    checkedTrafficBudget({ traffic, file: 'config/prod.yml' }, 900, 5_000);
  } catch (error) {
    expect((error as { hint?: string }).hint).toMatch(/run the schedules less often/);
  }
});

test("refuses a schedule whose ordinary run cannot finish within the function's timeout", () => {
  const traffic = [schedule('slow', 300, client('a'), 60, { maxRowsPerRequest: 10 })];
  // Twelve buckets of a CP code are more than 10 rows: each CP code in two requests, 600.
  expect(() => checkedTrafficBudget({ traffic, file: 'config/prod.yml' }, 120, 5_000)).toThrow(
    /traffic schedule slow: a run needs 600 requests at its share of 108\/min, \d+ s, over the traffic function's 115 s/,
  );
});

test('refuses clients of one account that disagree on its limit', () => {
  const other = { ...client('b', 'acme'), reportingRequestsPerMinute: 60 };
  expect(() =>
    trafficShares([schedule('one', 3, client('a', 'acme')), schedule('two', 3, other)]),
  ).toThrow(
    /the API clients of Akamai account "acme" give different reportingRequestsPerMinute \(120, 60\)/,
  );
});

test('a schedule that discovers its CP codes is budgeted for as many as its maxTargets', () => {
  const listed = schedule('listed', 300, client('a'));
  const found = {
    ...listed,
    input: {
      ...listed.input,
      name: 'found',
      targets: [],
      discover: { maxTargets: 300, refreshSeconds: 86_400 },
    },
  };
  const table = checkedTrafficBudget({ traffic: [found], file: 'config/prod.yml' }, 120, 5_000);
  expect(table).toMatch(/found: 300 CP codes every 300 s, 1 request a run/);
});
