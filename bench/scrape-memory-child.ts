/**
 * One scrape run in a process of its own, for the memory bench (bench/run.ts
 * scrapeMemoryCase): the targets the parent serves, scraped as the function scrapes them
 * (collectScrape, the budget of a function of `memoryMb`), delivered to the parent's
 * Pushgateway. Prints the summary and this process's peak RSS as JSON.
 */
import { collectScrape } from '../src/collectors/scrape';
import { scrapeMemoryBudget } from '../src/scrape/memory';
import { parseScrapeSchedule } from '../src/scrape/schedule';
import { NO_DEADLINE } from '../src/shared/deadline';
import { createLogger } from '../src/shared/logger';
import { Deliveries } from '../src/sinks/deliveries';
import { PushgatewayClient } from '../src/sinks/pushgateway/client';
import { PushgatewaySet } from '../src/sinks/pushgateway/pushgatewaySet';
import { pushgatewaySink } from '../src/sinks/pushgateway/sink';
import { peakRssBytes } from '../dev/peakRss';

export async function scrapeOnce(
  bodiesUrl: string,
  targets: number,
  memoryMb: number,
  pushgatewayUrl: string,
): Promise<{
  peakRssBytes: number;
  up: number;
  down: Array<{ instance: string; reason: string }>;
}> {
  const sinks = new Deliveries([
    pushgatewaySink(
      new PushgatewaySet([
        { name: pushgatewayUrl, client: new PushgatewayClient({ url: new URL(pushgatewayUrl) }) },
      ]),
    ),
  ]);
  const summary = await collectScrape(
    parseScrapeSchedule({
      name: 'bench-memory',
      timeoutSeconds: 60,
      targets: Array.from({ length: targets }, (_, i) => ({
        url: bodiesUrl,
        instance: `target-${i + 1}`,
      })),
    }),
    {
      sinks,
      logger: createLogger({ write: () => {} }),
      secrets: (secretId) => ({ secretId, cacheTtlMs: 0 }),
      memory: scrapeMemoryBudget(memoryMb),
    },
    NO_DEADLINE,
  );
  if (summary.failed.length > 0)
    throw new Error(`the scrape run failed: ${JSON.stringify(summary.failed)}`);
  return { peakRssBytes: peakRssBytes(), up: summary.up, down: summary.down };
}

// Run as `node --max-old-space-size=MB scrape-memory-child.js <bodies url> <targets> <MB>
// <pushgateway url>` (bundled by bench/run).
if (require.main === module) {
  const [bodiesUrl = '', targets = '8', memoryMb = '256', pushgatewayUrl = ''] =
    process.argv.slice(2);
  scrapeOnce(bodiesUrl, Number(targets), Number(memoryMb), pushgatewayUrl).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
