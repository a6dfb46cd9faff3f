import { Gauge, Pushgateway, Registry } from 'prom-client';
import { PushgatewayClient } from '../../src/sinks/pushgateway/client';
import { PushError } from '../../src/sinks/pushgateway/errors';
import { promtoolCheckMetrics } from '../helpers/promtool';
import { RealPushgateway } from '../../dev/realPushgateway';

/** Our push client against the real prometheus-pushgateway binary. */
let pushgateway: RealPushgateway;
let client: PushgatewayClient;

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  client = new PushgatewayClient({ url: new URL(pushgateway.url), gzipMinBytes: 0 });
});
afterAll(() => pushgateway.stop());
beforeEach(() => pushgateway.wipe());

const body = (value: number) =>
  `# HELP demo_value A demo gauge.\n# TYPE demo_value gauge\ndemo_value ${value}\n`;

describe('push client against the real Pushgateway', () => {
  it('lands a URL with slashes and a query string as one grouping label', async () => {
    const url = 'https://www.example.com/shop/cart?id=7&lang=en';
    await client.put({ job: 'akamai_estats', labels: { url, delivery: 'STANDARD_TLS' } }, body(3));

    const group = await pushgateway.group({ job: 'akamai_estats', url, delivery: 'STANDARD_TLS' });
    expect(group?.families.get('demo_value')?.metrics).toEqual([
      { labels: { job: 'akamai_estats', url, delivery: 'STANDARD_TLS', instance: '' }, value: '3' },
    ]);
  });

  it("is why our client exists: prom-client's Pushgateway loses a URL group and reports success", async () => {
    const url = 'https://www.example.com/shop/cart?id=7&lang=en';
    const registry = new Registry();
    new Gauge({ name: 'demo_value', help: 'A demo gauge.', registers: [registry] }).set(3);
    // prom-client percent-encodes the value (`%2F`); the Pushgateway answers 301, which
    // prom-client resolves as if the push had landed.
    const answer = await new Pushgateway(pushgateway.url, {}, registry).push({
      jobName: 'akamai_estats',
      groupings: { url },
    });
    expect(answer.resp).toMatchObject({ statusCode: 301 });
    expect(await pushgateway.groups()).toEqual([]);

    // The same registry's text through our client lands in the group it names.
    await client.put({ job: 'akamai_estats', labels: { url } }, await registry.metrics());
    const group = await pushgateway.group({ job: 'akamai_estats', url });
    expect(group?.families.get('demo_value')?.metrics[0]?.value).toBe('3');
  });

  it('lands an empty grouping value and values with spaces, unicode and percent signs', async () => {
    await client.put({ job: 'j', labels: { a: '', b: 'x y ü 50%' } }, body(1));
    const groups = await pushgateway.groups();
    expect(groups.map((g) => g.labels)).toEqual([{ job: 'j', a: '', b: 'x y ü 50%' }]);
    expect(groups[0]?.families.get('demo_value')?.metrics[0]?.value).toBe('1');
  });

  it('PUT replaces the group, POST replaces only the families it carries, DELETE removes it', async () => {
    const key = { job: 'j', labels: { cp_code: '1' } };
    await client.put(key, `${body(1)}# TYPE other gauge\nother 5\n`);
    await client.post(key, body(2));
    let group = await pushgateway.group({ job: 'j', cp_code: '1' });
    expect(group?.families.get('demo_value')?.metrics[0]?.value).toBe('2');
    expect(group?.families.get('other')?.metrics[0]?.value).toBe('5');

    await client.put(key, body(3));
    group = await pushgateway.group({ job: 'j', cp_code: '1' });
    expect(group?.families.has('other')).toBe(false);

    await client.delete(key);
    expect(await pushgateway.group({ job: 'j', cp_code: '1' })).toBeUndefined();
  });

  it('fails on an inconsistent push with the Pushgateway reason and no retry', async () => {
    await client.put({ job: 'j', labels: { g: '1' } }, body(1));
    const clash = '# HELP demo_value A demo gauge.\n# TYPE demo_value counter\ndemo_value 1\n';
    const error = await client
      .put({ job: 'j', labels: { g: '2' } }, clash)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as PushError).status).toBe(400);
    expect((error as PushError).message).toMatch(/HTTP 400: .*demo_value/);
    // Nothing of the refused push is stored; the Pushgateway only marks the failure.
    const group = await pushgateway.group({ job: 'j', g: '2' });
    expect(group?.families.has('demo_value')).toBe(false);
    expect(
      Number(group?.families.get('push_failure_time_seconds')?.metrics[0]?.value),
    ).toBeGreaterThan(0);
  });

  it('exposes what we push in a form promtool accepts', async () => {
    await client.put({ job: 'j', labels: { url: 'https://a/b' } }, body(1));
    const check = promtoolCheckMetrics(await pushgateway.scrape());
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });
});
