import {
  COLLECTOR,
  ESTATS,
  JANITOR,
  RESERVED_METRIC_PREFIXES,
  SYNTHETIC,
} from '../../../src/metrics/catalogue';

describe('the reserved metric-name prefixes', () => {
  it('cover every family this product pushes, so no scraped family can take one', () => {
    const names = [ESTATS, COLLECTOR, SYNTHETIC, JANITOR].flatMap((families) =>
      Object.values(families).map((family) => family.name),
    );
    expect(names.length).toBeGreaterThan(40);
    const uncovered = names.filter(
      (name) => !RESERVED_METRIC_PREFIXES.some((prefix) => name.startsWith(prefix)),
    );
    expect(uncovered).toEqual([]);
  });
});
