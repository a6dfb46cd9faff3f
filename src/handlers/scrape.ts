import { runFailed, ScrapeRunError } from '../collectors/errors';
import {
  reportSkippedDelivery,
  type SkippedDelivery,
  supersededBy,
} from '../collectors/lateDelivery';
import { collectScrape } from '../collectors/scrape';
import type { ScrapeRunSummary } from '../collectors/summaries';
import { resolveScrapeInvocation } from '../config/scrape';
import { secretSettingsFromEnv } from '../config/secrets';
import { JOB } from '../metrics/catalogue';
import { connectSinks } from '../sinks/connect';
import { lambdaHandler } from './lambdaHandler';

/**
 * Scheduled fetch of Prometheus endpoints (a device's /metrics, snmp_exporter,
 * blackbox_exporter, node_exporter). Thin: read the schedule, run the collector, log one
 * summary line; throws when a target could not be delivered. A target that is down is not a
 * failed run: its group holds up 0. A delivery older than the interval is skipped
 * (collectors/lateDelivery.ts): a scrape reads the present, so a late one adds nothing.
 */
export const handler = lambdaHandler(
  'scrape',
  'scrape run',
  async (event, { env, logger, deadline }): Promise<ScrapeRunSummary | SkippedDelivery> => {
    const { schedule, tick } = resolveScrapeInvocation(event);
    const sinks = await connectSinks(env, deadline, logger);
    const ageSeconds = supersededBy(tick);
    if (tick && ageSeconds !== undefined)
      return reportSkippedDelivery(
        { job: JOB.scrape, schedule: schedule.name, tick, ageSeconds },
        sinks,
        deadline,
        logger,
      );
    const summary = await collectScrape(
      schedule,
      { sinks, logger, secrets: (secretId) => secretSettingsFromEnv(env, secretId) },
      deadline,
    );
    const { down, failed, ...counts } = summary;
    logger.info('scrape run finished', {
      ...counts,
      down: down.length,
      downTargets: down.map((d) => `${d.instance}: ${d.reason}`),
      failed: failed.length,
    });
    if (runFailed(failed.length, summary)) throw new ScrapeRunError(summary);
    return summary;
  },
);
