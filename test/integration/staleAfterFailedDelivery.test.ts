/**
 * A group the Pushgateway answered but did not take (a 5xx past every retry) must not keep
 * its last good values where they read as current: the real Pushgateway, behind a proxy that
 * fails exactly the retries of one PUT, then holds the target's failure series (`up` 0), and
 * the run still fails for the delivery.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handler } from '../../src/handlers/scrape';
import { RealPushgateway } from '../../dev/realPushgateway';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

let pushgateway: RealPushgateway;
let proxy: FaultProxy;
let target: Server;
let targetUrl: string;

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  proxy = await startFaultProxy(pushgateway.url);
  target = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end('# TYPE temperature gauge\ntemperature{sensor="a"} 21.5\n');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/metrics`;
});
afterAll(async () => {
  await new Promise((resolve) => target?.close(resolve));
  await proxy?.stop();
  await pushgateway?.stop();
});

const scrape = () =>
  withEnv(
    {
      PUSHGATEWAY_URL: proxy.url,
      PUSHGATEWAY_MAX_ATTEMPTS: '2',
      SINKS: undefined,
      LOG_LEVEL: 'warn',
    },
    () =>
      captureStdout(() =>
        handler(
          {
            stage: 'it',
            schedule: { name: 'stale', targets: [{ url: targetUrl, instance: 'sensor-1' }] },
          },
          lambdaContext(30_000, 'scrape'),
        ),
      ),
  );

const familiesOf = async () =>
  [...((await pushgateway.group({ job: 'stale', instance: 'sensor-1' }))?.families ?? [])].map(
    ([name, family]) => [name, family.metrics[0]?.value],
  );

it("replaces a group's last values with up 0 when its push fails past the retries, and fails the run", async () => {
  expect((await scrape()).error).toBeUndefined();
  expect(await familiesOf()).toEqual(
    expect.arrayContaining([
      ['temperature', '21.5'],
      ['up', '1'],
    ]),
  );

  // Both attempts of the target's PUT get a 503; the failure series' PUT goes through.
  proxy.queue(
    { kind: 'status', status: 503, body: 'overloaded', pathIncludes: '/metrics/job/stale/' },
    2,
  );
  const { error } = await scrape();
  expect((error as Error).message).toContain('sensor-1');
  expect((error as Error).message).toContain('HTTP 503');
  expect((error as Error).message).toContain(
    'it holds the failure series (up 0) instead, so its last values do not pass for current',
  );
  const families = await familiesOf();
  expect(families).toEqual(expect.arrayContaining([['up', '0']]));
  expect(families.map(([name]) => name)).not.toContain('temperature');
  expect(
    proxy.requests.filter((r) => r.path.includes('/metrics/job/stale/')).map((r) => r.answered),
  ).toEqual(['forwarded', 503, 503, 'forwarded']);
});
