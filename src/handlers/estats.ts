import { withDiscoveredTargets } from '../collectors/discoveredTargets';
import { collectEstats } from '../collectors/estats';
import type { EstatsRunSummary } from '../collectors/estats';
import { estatsSettingsFromEnv, resolveEstatsInvocation } from '../config/estats';
import { JOB } from '../metrics/catalogue';
import { collectorHandler } from './collectorHandler';

/**
 * Scheduled eStats collector: the schedule's targets, and those it discovers at run time
 * (targets: { discover: … }), each pushed to its own group. A failed target fails the run.
 */
export const handler = collectorHandler<EstatsRunSummary>({
  name: 'estats',
  what: 'eStats run',
  job: JOB.estats,
  invocation(event, { env, logger, stage }) {
    const { schedule, tick } = resolveEstatsInvocation(event, env);
    const settings = estatsSettingsFromEnv(env);
    return {
      schedule: schedule.name,
      tick,
      async collect(sinks, deadline) {
        const found = await withDiscoveredTargets(schedule, { ...settings, logger }, deadline);
        return collectEstats(
          found.schedule,
          {
            ...settings,
            sinks,
            logger,
            stage,
            ...(found.pending ? { pending: found.pending } : {}),
          },
          deadline,
        );
      },
    };
  },
  report: ({ failed, ...counts }) => ({
    fields: {
      ...counts,
      failed: failed.length,
      failedTargets: failed.map((f) => `${f.target} [${f.reason}]`),
    },
    headline: `eStats run "${counts.schedule}": ${failed.length} of ${counts.targets} targets failed`,
    failures: failed.map((f) => `${f.target} [${f.reason}]: ${f.message}`),
    removed: 'groups of removed targets',
    hint: 'the other targets were pushed; see the log lines of each failed target',
    delivery: counts,
  }),
});
