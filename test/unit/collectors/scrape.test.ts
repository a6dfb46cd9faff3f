import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectScrape } from '../../../src/collectors/scrape';
import { parseScrapeSchedule } from '../../../src/scrape/schedule';
import { NO_DEADLINE } from '../../../src/shared/deadline';
import { createLogger } from '../../../src/shared/logger';
import { Deliveries } from '../../../src/sinks/deliveries';

/** A sink that refuses the groups of the instances told to, and takes the rest. */
function sinks(refuse: string[]) {
  return new Deliveries([
    {
      sink: {
        name: 'pushgateway',
        write: async (group) => {
          if (refuse.includes(group.key.labels?.instance ?? '')) throw new Error('sink down');
        },
      },
      groupStores: [],
    },
  ]);
}

describe('a scrape run summary', () => {
  it('counts up only the targets delivered up, never below 0', async () => {
    const server = createServer((_req, res) => res.end('node_load1 1\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const schedule = parseScrapeSchedule({
        name: 's',
        job: 'node',
        targets: [
          { url: `http://127.0.0.1:${port}/metrics`, instance: 'alive' },
          // Nothing listens on port 9 here: down, and its up 0 group is refused too.
          { url: 'http://127.0.0.1:9/metrics', instance: 'dead' },
        ],
      });
      const summary = await collectScrape(
        schedule,
        {
          sinks: sinks(['dead']),
          logger: createLogger({ write: () => {} }),
          secrets: () => {
            throw new Error('no secrets here');
          },
        },
        NO_DEADLINE,
      );
      expect(summary.down.map((d) => d.instance)).toEqual(['dead']);
      expect(summary.failed.map((f) => f.instance)).toEqual(['dead']);
      expect(summary.up).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
