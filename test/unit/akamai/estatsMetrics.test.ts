import { buildEstatsFailureMetrics, buildEstatsMetrics } from '../../../src/akamai/estatsMetrics';
import { estatsGroupingKey } from '../../../src/metrics/groups';
import { estatsResponseSchema } from '../../../src/akamai/estatsSchema';
import type { PushMetrics } from '../../../src/metrics/registry';
import sample from '../../fixtures/estats-sample.json';
import { promtoolCheckMetrics } from '../../helpers/promtool';

/** Sample lines of one family, as `labels → value`, order-independent. */
async function samplesOf(metrics: PushMetrics, name: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await metrics.text()).split('\n')) {
    const match = line.match(new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`));
    if (match) out[match[1] ?? ''] = Number(match[2]);
  }
  return out;
}

const build = (response: unknown, topEdgeIps = 5) =>
  buildEstatsMetrics(estatsResponseSchema.parse(response), {
    topEdgeIps,
    requestDurationSeconds: 0.25,
  });

describe('eStats answer → metrics', () => {
  it('maps the sample answer to hits, errors, ratios, per-status hits and the sample time', async () => {
    const registry = build(sample);

    expect(await samplesOf(registry, 'akamai_estats_up')).toEqual({ '': 1 });
    expect(await samplesOf(registry, 'akamai_estats_hits')).toEqual({
      '{direction="edge"}': 2400,
      '{direction="origin"}': 610,
    });
    expect(await samplesOf(registry, 'akamai_estats_errors')).toEqual({
      '{direction="edge"}': 36,
      '{direction="origin"}': 12,
    });
    expect(await samplesOf(registry, 'akamai_estats_failure_ratio')).toEqual({
      '{direction="edge"}': 0.015,
      '{direction="origin"}': 0.0197,
    });
    expect(await samplesOf(registry, 'akamai_estats_status_hits')).toEqual({
      '{direction="edge",status_code="200",status_class="2xx"}': 2101,
      '{direction="edge",status_code="304",status_class="3xx"}': 263,
      '{direction="edge",status_code="404",status_class="4xx"}': 24,
      '{direction="edge",status_code="503",status_class="5xx"}': 12,
      '{direction="origin",status_code="200",status_class="2xx"}': 598,
      '{direction="origin",status_code="502",status_class="5xx"}': 12,
    });
    expect(await samplesOf(registry, 'akamai_estats_sample_timestamp_seconds')).toEqual({
      '': Date.parse('2026-11-20T10:00:03Z') / 1000,
    });
    expect(await samplesOf(registry, 'akamai_estats_request_duration_seconds')).toEqual({
      '': 0.25,
    });
    expect(await samplesOf(registry, 'akamai_estats_top_error_edge_ip_hits')).toEqual({
      '{direction="edge",edge_ip="192.0.2.10",status_code="503",error_code="ERR_CONNECT_FAIL",country_code="DE"}': 9,
    });
  });

  it('reports all five status-class ratios per direction, summing to 1 with traffic', async () => {
    const ratios = await samplesOf(build(sample), 'akamai_estats_status_class_ratio');
    expect(ratios['{direction="edge",status_class="1xx"}']).toBe(0);
    expect(ratios['{direction="edge",status_class="2xx"}']).toBeCloseTo(2101 / 2400, 10);
    expect(ratios['{direction="edge",status_class="5xx"}']).toBeCloseTo(12 / 2400, 10);
    expect(Object.keys(ratios)).toHaveLength(10);
    const edgeSum = Object.entries(ratios)
      .filter(([k]) => k.includes('"edge"'))
      .reduce((s, [, v]) => s + v, 0);
    expect(edgeSum).toBeCloseTo(1, 10);
  });

  it('leaves out the direction an errorType filter removed, instead of publishing zeros', async () => {
    const {
      originHits,
      originErrors,
      originFailurePercentage,
      originStatusCodeDistribution,
      topEdgeIpsWithErrorFromOrigin,
      ...edgeOnly
    } = sample.result;
    const hits = await samplesOf(build({ ...sample, result: edgeOnly }), 'akamai_estats_hits');
    expect(hits).toEqual({ '{direction="edge"}': 2400 });
  });

  it('reports zeros, not NaN, for a sample without traffic', async () => {
    const registry = build({
      ...sample,
      result: { edgeHits: 0, edgeErrors: 0, edgeStatusCodeDistribution: [] },
    });
    expect(await samplesOf(registry, 'akamai_estats_failure_ratio')).toEqual({
      '{direction="edge"}': 0,
    });
    const ratios = await samplesOf(registry, 'akamai_estats_status_class_ratio');
    expect(Object.values(ratios)).toEqual([0, 0, 0, 0, 0]);
  });

  it('keeps only the top N error edge IPs and caps long label values', async () => {
    const many = Array.from({ length: 8 }, (_, i) => ({
      edgeIp: `192.0.2.${i}`,
      httpStatus: 503,
      hits: i + 1,
      errorCode: 'x'.repeat(300),
    }));
    const top = await samplesOf(
      build({ ...sample, result: { ...sample.result, topEdgeIpsWithError: many } }, 3),
      'akamai_estats_top_error_edge_ip_hits',
    );
    expect(Object.values(top)).toEqual([8, 7, 6]);
    expect(Object.keys(top)[0]).toContain(`error_code="${'x'.repeat(128)}"`);
  });

  it('produces exposition text that promtool accepts', async () => {
    const check = promtoolCheckMetrics(await build(sample).text());
    expect(check).toEqual({ status: 0, output: '' });
  });

  it('records a failure as up=0 with a bounded reason', async () => {
    const registry = buildEstatsFailureMetrics('rate_limited');
    expect(await samplesOf(registry, 'akamai_estats_up')).toEqual({ '': 0 });
    expect(await samplesOf(registry, 'akamai_estats_failure_info')).toEqual({
      '{reason="rate_limited"}': 1,
    });
  });

  it('groups a target by CP code or URL, plus the filters it sets', () => {
    expect(estatsGroupingKey({ cpCode: 7, delivery: 'ENHANCED_TLS' })).toEqual({
      job: 'akamai_estats',
      labels: { cp_code: '7', delivery: 'ENHANCED_TLS' },
    });
    expect(estatsGroupingKey({ url: 'https://a/b?c', errorType: 'EDGE_ERRORS' })).toEqual({
      job: 'akamai_estats',
      labels: { url: 'https://a/b?c', error_type: 'EDGE_ERRORS' },
    });
  });
});

describe('eStats answer schema', () => {
  it('tolerates missing, null and extra fields', () => {
    expect(
      estatsResponseSchema.safeParse({ result: { edgeHits: null, somethingNew: [1] }, extra: true })
        .success,
    ).toBe(true);
    expect(estatsResponseSchema.safeParse({}).success).toBe(true);
  });

  it('names the field that has the wrong type', () => {
    const parsed = estatsResponseSchema.safeParse({
      result: { edgeStatusCodeDistribution: [{ httpStatus: 200, hits: 'many' }] },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual([
      'result',
      'edgeStatusCodeDistribution',
      0,
      'hits',
    ]);
  });
});
