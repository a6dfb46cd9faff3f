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

describe('a window too big for one request', () => {
  const { cutWindow } = jest.requireActual<typeof import('../../../src/traffic/fetch')>(
    '../../../src/traffic/fetch',
  );
  const codes = Array.from({ length: 300 }, (_, i) => 500_000 + i);

  it('is cut into the fewest pieces that fit, every CP code in one of them', () => {
    const window = { cpCodes: codes, startSec: 0, endSec: 73 * 300 };
    const pieces = cutWindow(window, 5_000);
    // 21,900 rows: five pieces of at most 5,000 (60 CP codes × 73 buckets = 4,380).
    expect(pieces).toHaveLength(5);
    for (const piece of pieces) expect(piece.cpCodes.length * 73).toBeLessThanOrEqual(5_000);
    expect(pieces.flatMap((p) => p.cpCodes)).toEqual(codes);
  });

  it("cuts one CP code's buckets into even runs when they alone are too many", () => {
    const pieces = cutWindow({ cpCodes: [1], startSec: 0, endSec: 600 * 300 }, 100);
    expect(pieces).toHaveLength(6);
    expect(pieces.map((p) => (p.endSec - p.startSec) / 300)).toEqual([
      100, 100, 100, 100, 100, 100,
    ]);
    expect(pieces[5]?.endSec).toBe(600 * 300);
  });
});
