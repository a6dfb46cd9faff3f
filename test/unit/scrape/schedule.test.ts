import { parseScrapeSchedule, resolveTarget } from '../../../src/scrape/schedule';

const schedule = (targets: unknown[], more: Record<string, unknown> = {}) => ({
  name: 'switches',
  targets,
  ...more,
});

describe('a scrape schedule', () => {
  it('fills the defaults: the job is its name, 10 s, 8 at once, 50 000 samples', () => {
    expect(parseScrapeSchedule(schedule([{ url: 'http://exp:9116/snmp' }]))).toMatchObject({
      name: 'switches',
      timeoutSeconds: 10,
      concurrency: 8,
      sampleLimit: 50_000,
      honorLabels: false,
    });
  });

  it('names a target as Prometheus and the exporters do: instance:, the target param, host:port', () => {
    const parsed = parseScrapeSchedule(
      schedule(
        [
          { url: 'http://exp:9116/snmp', params: { module: 'if_mib', target: '10.0.0.1' } },
          { url: 'https://host.internal/metrics' },
          { url: 'http://exp:9116/snmp', params: { target: '10.0.0.2' }, instance: 'core-2' },
        ],
        { job: 'snmp', labels: { site: 'fra1' } },
      ),
    );
    const resolved = parsed.targets.map((t) => resolveTarget(parsed, t));
    expect(resolved.map((r) => [r.job, r.instance, r.url.toString()])).toEqual([
      ['snmp', '10.0.0.1', 'http://exp:9116/snmp?module=if_mib&target=10.0.0.1'],
      ['snmp', 'host.internal:443', 'https://host.internal/metrics'],
      ['snmp', 'core-2', 'http://exp:9116/snmp?target=10.0.0.2'],
    ]);
    expect(resolved[0]?.labels).toEqual({ site: 'fra1' });
    expect(resolved[0]?.timeoutMs).toBe(10_000);
  });

  it.each([
    [
      'two targets of one instance',
      [{ url: 'http://a:9100/metrics' }, { url: 'http://a:9100/metrics' }],
      'targets[0] and targets[1] are both instance "a:9100"',
    ],
    [
      'credentials in a URL',
      [{ url: 'http://user:pw@a:9100/metrics' }],
      'url http://***:***@a:9100/metrics holds credentials',
    ],
    [
      'an Authorization header',
      [{ url: 'http://a:9100/metrics', headers: { Authorization: 'Bearer x' } }],
      'carries a credential: it goes in "auth: { secret }"',
    ],
    [
      'an API key header',
      [{ url: 'http://a:9100/metrics', headers: { 'X-Api-Key': 'k-123' } }],
      'headers.X-Api-Key: carries a credential',
    ],
    [
      'a token parameter',
      [{ url: 'http://a:9100/metrics', params: { access_token: 't-123' } }],
      'params.access_token: carries a credential',
    ],
    [
      'a token in the URL',
      [{ url: 'http://a:9100/metrics?token=t-123' }],
      'holds credentials (the parameter token)',
    ],
    ['a job or instance target label', [{ url: 'http://a/m', labels: { job: 'x' } }], 'labels'],
    ['no target', [], 'list at least one target'],
    ['a timeout over a minute', [{ url: 'http://a/m', timeoutSeconds: 61 }], 'timeoutSeconds'],
  ])('refuses %s, saying what', (_case, targets, message) => {
    expect(() => parseScrapeSchedule(schedule(targets))).toThrow(message);
  });

  it("keeps what only names a configuration: snmp_exporter's auth and module", () => {
    expect(() =>
      parseScrapeSchedule(
        schedule([
          {
            url: 'http://exp:9116/snmp',
            params: { module: 'if_mib', auth: 'public_v2', target: '10.0.0.1' },
            headers: { 'X-Scope-OrgID': 'team-a' },
          },
        ]),
      ),
    ).not.toThrow();
  });

  it('refuses a metric list that is not a regular expression', () => {
    expect(() =>
      parseScrapeSchedule(schedule([{ url: 'http://a/m' }], { metrics: { allow: 'if(' } })),
    ).toThrow('metrics.allow');
  });
});
