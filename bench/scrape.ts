/**
 * The scrape source's workloads (issue 27): one 10k-series endpoint fetched and delivered by
 * the collector, against a bare GET plus a bare PUT of the same bytes; and 100 small targets
 * fetched at the schedule's concurrency, against the same 100 one by one.
 */
import http from 'node:http';
import { collectScrape } from '../src/collectors/scrape';
import { parseScrapeSchedule, type ScrapeSchedule } from '../src/scrape/schedule';
import { NO_DEADLINE } from '../src/shared/deadline';
import { createLogger } from '../src/shared/logger';
import { Deliveries } from '../src/sinks/deliveries';
import { PushgatewayClient } from '../src/sinks/pushgateway/client';
import { PushgatewaySet } from '../src/sinks/pushgateway/pushgatewaySet';
import { pushgatewaySink } from '../src/sinks/pushgateway/sink';
import { startSwitchEndpoint, type SwitchEndpoint } from '../dev/simulators/switchEndpoint';
import { mapSettled } from '../src/shared/concurrency';

const agent = new http.Agent({ keepAlive: true });

function bare(method: 'GET' | 'PUT', url: string, body?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body ? { 'content-length': body.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks))
            : reject(new Error(`${method} ${url}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface ScrapeBench {
  /** The 10k-series endpoint, its series. */
  bigSeries: number;
  /** A bare GET of it, then a bare PUT of the same bytes to its group. */
  bareFetchAndPut(): Promise<void>;
  /** The collector: fetch, parse, store, PUT the group, the run's health group. */
  collectBig(): Promise<void>;
  smallTargets: number;
  /** The 100 small targets at the schedule's concurrency (8). */
  collectSmall(): Promise<void>;
  /** The same 100 one at a time. */
  collectSmallOneByOne(): Promise<void>;
  /** Bare PUTs of the 100 small bodies to their groups, `concurrency` at once: the Pushgateway's share. */
  barePutsSmall(concurrency: number): Promise<void>;
  stop(): Promise<void>;
}

export async function scrapeBench(pushgatewayUrl: string): Promise<ScrapeBench> {
  // One switch of 1000 interfaces (10 if_mib families each: 10,001 series), and 100 switches
  // of 2 (21 series each).
  const big: SwitchEndpoint = await startSwitchEndpoint({
    deviceCount: 1,
    portsPerDevice: 1000,
    tickSeconds: () => 1_780_000_000,
  });
  const small: SwitchEndpoint = await startSwitchEndpoint({
    deviceCount: 100,
    portsPerDevice: 2,
    tickSeconds: () => 1_780_000_000,
  });
  const sinks = () =>
    new Deliveries([
      pushgatewaySink(
        new PushgatewaySet([
          { name: pushgatewayUrl, client: new PushgatewayClient({ url: new URL(pushgatewayUrl) }) },
        ]),
      ),
    ]);
  const logger = createLogger({ write: () => {} });
  const run = async (schedule: ScrapeSchedule) => {
    const summary = await collectScrape(
      schedule,
      { sinks: sinks(), logger, secrets: () => ({ secretId: '', cacheTtlMs: 0 }) },
      NO_DEADLINE,
    );
    if (summary.up !== summary.targets || summary.failed.length > 0)
      throw new Error(`scrape bench run of ${schedule.name} failed: ${JSON.stringify(summary)}`);
  };
  const bigSchedule = parseScrapeSchedule({
    name: 'bench-big',
    targets: [{ url: `${big.url}/metrics`, instance: 'big-switch' }],
  });
  const smallTargets = small.devices.map((device) => ({
    url: `${small.url}/metrics`,
    params: { device },
    instance: device,
  }));
  const smallSchedule = parseScrapeSchedule({ name: 'bench-small', targets: smallTargets });
  const oneByOne = parseScrapeSchedule({
    name: 'bench-small',
    concurrency: 1,
    targets: smallTargets,
  });
  const bigBody = await bare('GET', `${big.url}/metrics`);
  const bigSeries = bigBody
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#')).length;
  const smallBodies = await Promise.all(
    small.devices.map(async (device) => ({
      device,
      body: await bare('GET', `${small.url}/metrics?device=${device}`),
    })),
  );
  return {
    bigSeries,
    barePutsSmall: async (concurrency) => {
      const settled = await mapSettled(smallBodies, concurrency, ({ device, body }) =>
        bare('PUT', `${pushgatewayUrl}/metrics/job/bench-small/instance/${device}`, body),
      );
      const refused = settled.find((r) => r.status === 'rejected');
      if (refused) throw refused.reason;
    },
    bareFetchAndPut: async () => {
      const body = await bare('GET', `${big.url}/metrics`);
      await bare('PUT', `${pushgatewayUrl}/metrics/job/bench-big/instance/big-switch`, body);
    },
    collectBig: () => run(bigSchedule),
    smallTargets: smallTargets.length,
    collectSmall: () => run(smallSchedule),
    collectSmallOneByOne: () => run(oneByOne),
    stop: async () => {
      await big.stop();
      await small.stop();
    },
  };
}
