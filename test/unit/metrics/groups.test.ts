import {
  deviceGroupingKey,
  estatsGroupingKey,
  GROUP_KINDS,
  GROUPING_LABELS,
  janitorGroupingKey,
  runHealthGroupingKey,
} from '../../../src/metrics/groups';

describe('grouping keys', () => {
  // Rules and dashboards tell a group's copies on several Pushgateways apart on these labels
  // (queries/freshest.ts): a grouping label missing here would merge two groups.
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

  it.each([
    [
      'estatsTarget',
      estatsGroupingKey({ cpCode: 1, delivery: 'STANDARD_TLS', errorType: 'EDGE_ERRORS' }),
    ],
    ['estatsTarget', estatsGroupingKey({ url: 'https://example.com/' })],
    ['device', deviceGroupingKey('fleet', 'device')],
    ['runHealth', runHealthGroupingKey('synthetic_telemetry', 'default')],
    ['janitor', janitorGroupingKey('prod')],
  ] as const)('of kind %s carry only that kind’s labels and one of its jobs', (kind, key) => {
    const { jobs, labels } = GROUP_KINDS[kind];
    expect(jobs).toContain(key.job);
    expect(
      Object.keys(key.labels ?? {}).every((l) => (labels as readonly string[]).includes(l)),
    ).toBe(true);
  });
});
