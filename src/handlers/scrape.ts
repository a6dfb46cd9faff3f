import { collectScrape } from '../collectors/scrape';
import type { ScrapeRunSummary } from '../collectors/scrape';
import { resolveScrapeInvocation } from '../config/scrape';
import { secretSettingsFromEnv } from '../config/secrets';
import { JOB } from '../metrics/catalogue';
import { scrapeMemoryBudget } from '../scrape/memory';
import { collectorHandler } from './collectorHandler';

/**
 * Scheduled fetch of Prometheus endpoints (a device's /metrics, snmp_exporter,
 * blackbox_exporter, node_exporter). A target that is down is not a failed run: its group
 * holds up 0. A scrape reads the present, so a late delivery adds nothing and is skipped.
 */
export const handler = collectorHandler<ScrapeRunSummary>({
  name: 'scrape',
  what: 'scrape run',
  job: JOB.scrape,
  invocation(event, { env, logger, stage, context }) {
    const { schedule, tick } = resolveScrapeInvocation(event);
    const secrets = (secretId: string) => secretSettingsFromEnv(env, secretId);
    // The targets fetched at once share the function's memory (scrape/memory.ts).
    const memory = scrapeMemoryBudget(Number(context.memoryLimitInMB));
    return {
      schedule: schedule.name,
      tick,
      collect: (sinks, deadline) =>
        collectScrape(schedule, { sinks, logger, secrets, stage, memory }, deadline),
    };
  },
  report: ({ down, failed, ...counts }) => ({
    fields: {
      ...counts,
      down: down.length,
      downTargets: down.map((d) => `${d.instance}: ${d.reason}`),
      failed: failed.length,
    },
    headline: `scrape run "${counts.schedule}" (job ${counts.job}): ${failed.length} of ${counts.targets} targets failed`,
    failures: failed.map((f) => `${f.instance}: ${f.message}`),
    removed: 'groups of removed targets',
    hint: 'every other target was delivered (targets that are down hold up 0); see the log lines of each failed target',
    delivery: counts,
  }),
});
