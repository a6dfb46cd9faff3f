import { simulateEstatsAnswer } from '../../../dev/simulators/akamai/traffic';
import { estatsResponseSchema } from '../../../src/akamai/estatsSchema';

describe('simulated eStats traffic', () => {
  // Every 10-second bucket of a whole day, for one CP code.
  const times = Array.from(
    { length: 8640 },
    (_, i) => new Date(Date.UTC(2026, 10, 20) + i * 10_000),
  );

  it('answers in the published shape, with hits adding up and some errors in every sample', () => {
    for (const now of times) {
      const answer = estatsResponseSchema.parse(simulateEstatsAnswer({ cpCode: 424242 }, now));
      const result = answer.result ?? {};
      const distribution = result.edgeStatusCodeDistribution ?? [];
      expect(distribution.reduce((sum, s) => sum + s.hits, 0)).toBe(result.edgeHits);
      expect(result.edgeErrors).toBeGreaterThan(0);
      expect(result.topEdgeIpsWithError?.length).toBeGreaterThan(0);
    }
  });

  it('is deterministic per 10-second bucket and follows a daily cycle', () => {
    const at = (h: number) => new Date(Date.UTC(2026, 10, 20, h, 0, 0));
    expect(simulateEstatsAnswer({ cpCode: 1 }, at(19))).toEqual(
      simulateEstatsAnswer({ cpCode: 1 }, at(19)),
    );
    const hits = (h: number) =>
      (simulateEstatsAnswer({ cpCode: 1 }, at(h)).result as { edgeHits: number }).edgeHits;
    expect(hits(19)).toBeGreaterThan(hits(7));
  });

  it('puts the requested share of 5xx into an incident and drops the filtered direction', () => {
    const answer = simulateEstatsAnswer({ cpCode: 1, errorType: 'EDGE_ERRORS' }, new Date(), {
      incident5xxRatio: 0.5,
    });
    const result = answer.result as Record<string, unknown> & {
      edgeHits: number;
      edgeStatusCodeDistribution: Array<{ httpStatus: number; hits: number }>;
    };
    const fiveXx = result.edgeStatusCodeDistribution
      .filter((s) => s.httpStatus >= 500)
      .reduce((sum, s) => sum + s.hits, 0);
    expect(fiveXx / result.edgeHits).toBeGreaterThanOrEqual(0.5);
    expect(result).not.toHaveProperty('originHits');
  });
});
