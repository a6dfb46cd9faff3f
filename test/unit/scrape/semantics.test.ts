import { parseExposition } from '../../../src/scrape/exposition';
import { instanceOf, storeScrape } from '../../../src/scrape/semantics';

const body = parseExposition(
  [
    '# TYPE node_load1 gauge',
    'node_load1 0.5',
    '# TYPE app_requests_total counter',
    'app_requests_total{job="inner",instance="pod-1",code="200",empty=""} 10',
    '# TYPE go_goroutines gauge',
    'go_goroutines 42',
    '',
  ].join('\n'),
  'text',
);
const target = { job: 'switches', url: 'http://10.0.0.7:9100/metrics', labels: { site: 'fra1' } };

describe('what a scrape stores', () => {
  it('sets job and instance as Prometheus does, the port of the scheme when the URL has none', () => {
    expect(instanceOf('http://10.0.0.7:9100/metrics')).toBe('10.0.0.7:9100');
    expect(instanceOf('https://switch.example.net/metrics')).toBe('switch.example.net:443');
    expect(instanceOf('http://[::1]/x')).toBe('[::1]:80');
  });

  it("keeps the target's labels on a conflict and renames the body's to exported_*, dropping empty ones", () => {
    const { samples } = storeScrape(target, {}, { families: body, durationSeconds: 0.02 });
    expect(samples.find((s) => s.name === 'app_requests_total')?.labels).toEqual({
      job: 'switches',
      instance: '10.0.0.7:9100',
      site: 'fra1',
      exported_job: 'inner',
      exported_instance: 'pod-1',
      code: '200',
    });
  });

  it("keeps the body's labels with honor_labels", () => {
    const { samples } = storeScrape(
      target,
      { honorLabels: true },
      { families: body, durationSeconds: 0.02 },
    );
    expect(samples.find((s) => s.name === 'app_requests_total')?.labels).toEqual({
      job: 'inner',
      instance: 'pod-1',
      site: 'fra1',
      code: '200',
    });
    expect(samples.find((s) => s.name === 'node_load1')?.labels).toEqual({
      job: 'switches',
      instance: '10.0.0.7:9100',
      site: 'fra1',
    });
  });

  it('applies the allow and deny lists to sample names, and reports before and after', () => {
    const { samples, report } = storeScrape(
      target,
      { allow: 'node_.*|app_.*', deny: 'app_.*' },
      { families: body, durationSeconds: 0.5, bodyBytes: 321 },
    );
    expect(samples.map((s) => s.name)).toEqual(['node_load1']);
    expect(Object.fromEntries(report.map((r) => [r.name, r.value]))).toEqual({
      up: 1,
      scrape_duration_seconds: 0.5,
      scrape_samples_scraped: 3,
      scrape_samples_post_metric_relabeling: 1,
      scrape_timeout_seconds: 10,
      scrape_sample_limit: 0,
      scrape_body_size_bytes: 321,
    });
    expect(report[0]?.labels).toEqual({ job: 'switches', instance: '10.0.0.7:9100', site: 'fra1' });
  });

  it("never lets a body take one of this product's jobs, even with honorLabels", () => {
    const spoof = parseExposition(
      [
        'collector_last_success_timestamp_seconds{job="akamai_estats",schedule="default"} 1e9',
        'app_info{job="inner"} 1',
        '',
      ].join('\n'),
      'text',
    );
    const { samples } = storeScrape(
      target,
      { honorLabels: true, reservedJobs: ['akamai_estats'] },
      { families: spoof, durationSeconds: 0.1 },
    );
    expect(samples.map((s) => [s.name, s.labels.job, s.labels.exported_job])).toEqual([
      ['collector_last_success_timestamp_seconds', 'switches', 'akamai_estats'],
      // Any other job the body gives is honoured.
      ['app_info', 'inner', undefined],
    ]);
  });

  it('drops the names this product pushes itself, after the lists, and names them', () => {
    const poisoned = parseExposition(
      [
        '# TYPE synthetic_port_link_up counter',
        'synthetic_port_link_up 1',
        '# TYPE push_time_seconds counter',
        'push_time_seconds{x="1"} 2',
        'push_time_seconds{x="2"} 3',
        '# TYPE node_load1 gauge',
        'node_load1 0.5',
        '',
      ].join('\n'),
      'text',
    );
    const outcome = storeScrape(
      target,
      { reservedPrefixes: ['synthetic_', 'push_'] },
      { families: poisoned, durationSeconds: 0.1 },
    );
    expect(outcome.samples.map((s) => s.name)).toEqual(['node_load1']);
    expect(outcome.reserved).toEqual(['synthetic_port_link_up', 'push_time_seconds']);
    // Counted as a metric_relabel_configs drop rule counts: scraped, not kept.
    expect(outcome.report.find((r) => r.name === 'scrape_samples_scraped')?.value).toBe(4);
    expect(
      outcome.report.find((r) => r.name === 'scrape_samples_post_metric_relabeling')?.value,
    ).toBe(1);
    expect(outcome.failure).toBeUndefined();
  });

  it('stores the first sample of a series given twice, or twice once empty labels are gone', () => {
    const twice = parseExposition('x{k="a"} 1\nx{k="a"} 2\nfoo{a=""} 3\nfoo 4\n', 'text');
    const outcome = storeScrape(target, {}, { families: twice, durationSeconds: 0.1 });
    expect(outcome.failure).toBeUndefined();
    expect(outcome.samples.map((s) => [s.name, s.value])).toEqual([
      ['x', 1],
      ['foo', 3],
    ]);
    expect(outcome.report.find((r) => r.name === 'scrape_samples_scraped')?.value).toBe(4);
  });

  it("keeps a body's up and scrape_* of the target's labels over its own report, as Prometheus does", () => {
    const reports = parseExposition('up 0\nscrape_duration_seconds 99\nup{probe="x"} 0\n', 'text');
    const outcome = storeScrape(target, {}, { families: reports, durationSeconds: 0.1 });
    const all = [...outcome.samples, ...outcome.report];
    // Each series once: the body's value where it gave one.
    expect(all.filter((s) => s.name === 'up').map((s) => [s.labels.probe, s.value])).toEqual([
      [undefined, 0],
      ['x', 0],
    ]);
    const durations = all.filter((s) => s.name === 'scrape_duration_seconds');
    expect(durations.map((s) => s.value)).toEqual([99]);
  });
  it('reports what it read of a malformed body: its samples before the bad line, its size', () => {
    const outcome = storeScrape(
      target,
      {},
      { durationSeconds: 0.1, bodyBytes: 100, samplesRead: 2, failure: 'line 3: bad' },
    );
    expect(outcome.report.map((r) => [r.name, r.value])).toEqual(
      expect.arrayContaining([
        ['up', 0],
        ['scrape_samples_scraped', 2],
        ['scrape_body_size_bytes', 100],
      ]),
    );
  });

  it('keeps a body of exactly the sample limit, as Prometheus does', () => {
    const outcome = storeScrape(
      target,
      { sampleLimit: 3 },
      { families: body, durationSeconds: 0.1 },
    );
    expect(outcome.failure).toBeUndefined();
    expect(outcome.samples).toHaveLength(3);
    expect(outcome.report.find((r) => r.name === 'up')?.value).toBe(1);
  });

  it('fails the whole scrape over the sample limit: up 0 and nothing stored', () => {
    const outcome = storeScrape(
      target,
      { sampleLimit: 2 },
      { families: body, durationSeconds: 0.1 },
    );
    expect(outcome.samples).toEqual([]);
    expect(outcome.failure).toBe('3 samples, more than the sample limit 2');
    expect(outcome.report.find((r) => r.name === 'up')?.value).toBe(0);
    expect(outcome.report.find((r) => r.name === 'scrape_samples_scraped')?.value).toBe(3);
  });

  it('fails a scrape the parse stopped keeping at the limit, reporting what the body held', () => {
    const outcome = storeScrape(
      target,
      { sampleLimit: 2 },
      {
        families: body,
        durationSeconds: 0.1,
        overLimit: { samplesRead: 700_000, samplesCounted: 650_000 },
      },
    );
    expect(outcome.samples).toEqual([]);
    expect(outcome.failure).toBe('650000 samples, more than the sample limit 2');
    expect(
      outcome.report
        .filter((r) => r.name.startsWith('scrape_samples_') || r.name === 'up')
        .map((r) => [r.name, r.value]),
    ).toEqual([
      ['up', 0],
      ['scrape_samples_scraped', 700_000],
      ['scrape_samples_post_metric_relabeling', 650_000],
    ]);
  });

  it('reports a dead target as up 0 with no samples', () => {
    const outcome = storeScrape(
      target,
      { timeoutSeconds: 10, sampleLimit: 500 },
      // Nothing was read: no body, no size.
      { durationSeconds: 10, failure: 'connection refused' },
    );
    expect(outcome.samples).toEqual([]);
    expect(outcome.failure).toBe('connection refused');
    expect(outcome.report.map((r) => [r.name, r.value])).toEqual([
      ['up', 0],
      ['scrape_duration_seconds', 10],
      ['scrape_samples_scraped', 0],
      ['scrape_samples_post_metric_relabeling', 0],
      ['scrape_timeout_seconds', 10],
      ['scrape_sample_limit', 500],
      ['scrape_body_size_bytes', 0],
    ]);
  });
});
