import { collectTraffic, type TrafficRunSummary } from '../collectors/traffic';
import { withDiscoveredCpCodes } from '../collectors/trafficTargets';
import { resolveTrafficInvocation, trafficSettingsFromEnv } from '../config/traffic';
import { JOB } from '../metrics/catalogue';
import { collectorHandler } from './collectorHandler';

/**
 * Scheduled traffic collector (Reporting API v2 `delivery/traffic/current`): each CP code's
 * final 5-minute buckets, the ones an outage missed included, in its own group. A failed CP
 * code fails the run.
 */
export const handler = collectorHandler<TrafficRunSummary>({
  name: 'traffic',
  what: 'traffic run',
  job: JOB.traffic,
  invocation(event, { env, logger, stage }) {
    const { schedule, tick } = resolveTrafficInvocation(event);
    const settings = trafficSettingsFromEnv(env);
    return {
      schedule: schedule.name,
      tick,
      async collect(sinks, deadline) {
        const found = await withDiscoveredCpCodes(
          schedule,
          { credentialSourceOf: settings.credentialSourceOf, logger },
          deadline,
        );
        return collectTraffic(
          found.schedule,
          {
            settings,
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
    headline: `traffic run "${counts.schedule}": ${failed.length} of ${counts.targets} CP codes failed`,
    failures: [
      ...failed.map((f) => `${f.target} [${f.reason}]: ${f.message}`),
      ...(counts.stateError ? [`delivered state: ${counts.stateError}`] : []),
    ],
    removed: 'groups of removed CP codes',
    hint: 'the other CP codes were pushed; the next run fetches what this one missed (within the backfill window)',
    delivery: counts,
  }),
});
