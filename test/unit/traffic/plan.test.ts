import { planTraffic } from '../../../src/traffic/plan';

const SETTINGS = { finalLagSeconds: 1200, backfillSeconds: 3600 };
// 12:00:00 UTC on a day: the newest final bucket ends at 11:40.
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);
const NEWEST = NOW / 1000 - 1200;

test('a CP code without state gets the newest final bucket alone', () => {
  const plan = planTraffic([1, 2], undefined, NOW, SETTINGS);
  expect(plan.newestEndSec).toBe(NEWEST);
  expect(plan.windows).toEqual([{ cpCodes: [1, 2], startSec: NEWEST - 300, endSec: NEWEST }]);
  expect(plan.unfilled.size).toBe(0);
});

test('a CP code behind gets every bucket since, and shares its request with those alike', () => {
  const plan = planTraffic(
    [1, 2, 3],
    { version: 1, delivered: { '1': NEWEST - 900, '2': NEWEST - 900, '3': NEWEST - 300 } },
    NOW,
    SETTINGS,
  );
  expect(plan.windows).toEqual([
    { cpCodes: [1, 2], startSec: NEWEST - 900, endSec: NEWEST },
    { cpCodes: [3], startSec: NEWEST - 300, endSec: NEWEST },
  ]);
});

test('a CP code behind the backfill window is cut to it, and the rest is named as the gap', () => {
  const plan = planTraffic([7], { version: 1, delivered: { '7': NEWEST - 5400 } }, NOW, SETTINGS);
  expect(plan.wanted.get(7)).toEqual({ afterSec: NEWEST - 3600 });
  expect(plan.unfilled.get(7)).toEqual({
    buckets: 6,
    fromSec: NEWEST - 5400,
    untilSec: NEWEST - 3600,
  });
});

test('a repeated delivery of the same tick has nothing to do', () => {
  const plan = planTraffic([1], { version: 1, delivered: { '1': NEWEST } }, NOW, SETTINGS);
  expect(plan.windows).toEqual([]);
  expect(plan.current).toEqual([1]);
});
