import {
  deviceGroupingKey,
  estatsGroupingKey,
  GROUPING_LABELS,
  janitorGroupingKey,
  runHealthGroupingKey,
} from '../../../src/metrics/groups';

describe('grouping keys', () => {
  // Rules and dashboards tell a group's copies on several Pushgateways apart on these labels
  // (alerting/promql.ts `freshest`): a grouping label missing here would merge two groups.
  it('use only the labels GROUPING_LABELS lists', () => {
    const keys = [
      estatsGroupingKey({ cpCode: 1, delivery: 'STANDARD_TLS', errorType: 'EDGE_ERRORS' }),
      estatsGroupingKey({ url: 'https://example.com/' }),
      deviceGroupingKey('fleet', 'device'),
      runHealthGroupingKey('akamai_estats', 'default'),
      janitorGroupingKey('prod'),
    ];
    const used = new Set(keys.flatMap((key) => ['job', ...Object.keys(key.labels ?? {})]));
    expect(
      [...used].filter((label) => !(GROUPING_LABELS as readonly string[]).includes(label)),
    ).toEqual([]);
    expect(used.size).toBe(GROUPING_LABELS.length);
  });
});
