import { QueryCostLimit } from '../../../src/traffic/queryCost';
import { cutWindow } from '../../../src/traffic/fetch';
import { rowsOf } from '../../../src/traffic/report';

/** Akamai's limit in this model: a request of more rows is refused (422). */
const LIMIT = 5_000;
const WINDOW = {
  cpCodes: Array.from({ length: 300 }, (_, i) => 600_000 + i),
  startSec: 0,
  endSec: 72 * 300,
};

/** One run over the window: its requests, and what it learned. */
function run(limit: QueryCostLimit): number {
  let requests = 0;
  let pending = cutWindow(WINDOW, limit.maxRows);
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (const window of pending) {
      requests += 1;
      if (rowsOf(window) <= LIMIT) limit.accepted(rowsOf(window));
      else {
        limit.refused(rowsOf(window));
        next.push(...cutWindow(window, limit.maxRows));
      }
    }
    pending = next.flatMap((w) => cutWindow(w, limit.maxRows));
  }
  return requests;
}

test('starts at the setting and learns nothing while Akamai answers', () => {
  const limit = new QueryCostLimit(4_000);
  expect(run(limit)).toBe(6);
  expect(limit.learned()).toEqual({});
});

test('from a setting over the limit, the runs close in on the fewest requests', () => {
  let learned = {};
  const requests: number[] = [];
  for (let i = 0; i < 6; i++) {
    const limit = new QueryCostLimit(20_000, learned);
    requests.push(run(limit));
    learned = limit.learned();
  }
  // The first run learns from its refusals; each next one probes halfway up at most once.
  expect(requests[0]).toBeGreaterThan(10);
  expect(requests.at(-1)).toBeLessThanOrEqual(6);
  expect(Math.min(...requests)).toBeGreaterThanOrEqual(Math.ceil(rowsOf(WINDOW) / LIMIT));
});

test('a request answered at a size once refused forgets the refusal: Akamai raised its limit', () => {
  const limit = new QueryCostLimit(20_000, { goodRows: 2_000, refusedRows: 4_000 });
  limit.accepted(4_000);
  expect(limit.learned()).toEqual({});
});
