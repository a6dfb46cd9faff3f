import { SHARED_ALERTING_DEFAULTS } from '../alerting/config';
import { COLLECTOR, COLLECTOR_JOBS, JOB, LABEL } from '../metrics/catalogue';
import { JANITOR_RECORDED, RUN_HEALTH_RECORDED as HEALTH } from '../queries/collectors';
import { newestWithin, PUSHGATEWAY_INSTANCE } from '../queries/freshest';
import {
  alertAnnotation,
  dashboard,
  instantTable,
  stat,
  table,
  target,
  timeseries,
} from './common';
import type { Dashboard } from './model';

const JANITOR_JOB = `${LABEL.job}="${JOB.janitor}"`;
const ESTATS_JOB = `${LABEL.job}="${JOB.estats}"`;
// Every collector's run-health groups: eStats, synthetic and the scrape schedules'.
const JOBS = `${LABEL.job}=~"${COLLECTOR_JOBS.join('|')}"`;

export function collectorHealthDashboard(
  pushgatewayScrapeJob = SHARED_ALERTING_DEFAULTS.collectors.pushgatewayScrapeJob,
): Dashboard {
  return dashboard({
    uid: 'pushgate-collector-health',
    title: 'Collector health',
    description:
      'Are the collectors running and is their data fresh? Pushgateway values never expire: this is where stale data shows.',
    tags: ['collectors'],
    variables: [],
    annotations: [alertAnnotation('Collector.*|Pushgateway.*|AkamaiEstatsTargetFailing')],
    rows: [
      {
        title: 'Now',
        panels: [
          stat(
            'Pushgateway up',
            { w: 6, h: 4 },
            [target(`up{${LABEL.job}="${pushgatewayScrapeJob}"}`, '{{instance}}')],
            'none',
            [
              { color: 'red', value: null },
              { color: 'green', value: 1 },
            ],
          ),
          stat(
            'Last run successful',
            { w: 6, h: 4 },
            [target(`${HEALTH.runSuccess.record}{${JOBS}}`, '{{job}} {{schedule}}')],
            'none',
            [
              { color: 'red', value: null },
              { color: 'green', value: 1 },
            ],
          ),
          stat(
            'Targets failing',
            { w: 6, h: 4 },
            [
              target(
                `sum by (${LABEL.job}) (${HEALTH.targets.record}{${JOBS}, ${LABEL.state}="failed"})`,
                '{{job}}',
              ),
            ],
            'none',
            [
              { color: 'green', value: null },
              { color: 'red', value: 1 },
            ],
          ),
          stat(
            'Since last full success',
            { w: 6, h: 4 },
            [
              target(
                `time() - ${newestWithin(`${COLLECTOR.lastSuccessTimestamp.name}{${JOBS}}`, SHARED_ALERTING_DEFAULTS.collectors.successLookback)}`,
                '{{job}} {{schedule}}',
              ),
            ],
            's',
            [
              { color: 'green', value: null },
              { color: 'orange', value: 600 },
              { color: 'red', value: 1800 },
            ],
            `Seconds since each schedule's last fully successful run (looked for over the last ${SHARED_ALERTING_DEFAULTS.collectors.successLookback}: it keeps aging when remote-written series stop). Alerts CollectorGroupStale, or CollectorSuccessStale and CollectorSilent where the collectors write by remote write.`,
          ),
        ],
      },
      {
        title: 'Freshness',
        panels: [
          table(
            'Age of the last push per group',
            { w: 12, h: 10 },
            [
              instantTable(
                `sort_desc(time() - max without(${PUSHGATEWAY_INSTANCE}) (push_time_seconds{${JOBS}}))`,
              ),
            ],
            's',
            'Seconds since each Pushgateway group was last pushed (to any Pushgateway); alert CollectorGroupStale fires after 3 schedule intervals.',
          ),
          table(
            'Push failing (1 = last push refused)',
            { w: 12, h: 10 },
            [instantTable(`push_failure_time_seconds{${JOBS}} > bool push_time_seconds{${JOBS}}`)],
            'bool',
          ),
        ],
      },
      {
        title: 'Runs',
        panels: [
          timeseries(
            'Collector run duration',
            { w: 12, h: 8 },
            [target(`${HEALTH.runDuration.record}{${JOBS}}`, '{{job}} {{schedule}}')],
            's',
          ),
          timeseries(
            'Targets per outcome',
            { w: 12, h: 8 },
            [target(`${HEALTH.targets.record}{${JOBS}}`, '{{job}} {{schedule}} {{state}}')],
            'short',
            { stacked: true },
          ),
          timeseries(
            'Run duration against the interval',
            { w: 12, h: 8 },
            [
              target(
                `${HEALTH.runDuration.record}{${JOBS}} / on(${LABEL.job}, ${LABEL.schedule}) ${HEALTH.scheduleInterval.record}`,
                '{{job}} {{schedule}}',
              ),
            ],
            'percentunit',
            {
              description:
                "Each run's duration as a share of its schedule's interval. Above 80 % for 10 minutes: alert CollectorRunsOutgrowInterval; at 100 % a run is still going at the next tick.",
            },
          ),
          timeseries(
            'Groups each Pushgateway missed',
            { w: 12, h: 8 },
            [
              target(
                `${HEALTH.pushgatewayMissedGroups.record}{${JOBS}}`,
                '{{job}} {{schedule}} → {{pushgateway}}',
              ),
            ],
            'short',
            {
              description:
                "Groups of each collector's last run that a Pushgateway did not take (PUSHGATEWAY_URL may list several). Above 0 while the quorum took them all: alert CollectorPushgatewayMissedGroups.",
            },
          ),
        ],
      },
      {
        title: 'Akamai budget',
        panels: [
          timeseries(
            'Akamai budget: limit and lowest Remaining',
            { w: 8, h: 8 },
            [
              target(
                `${HEALTH.akamaiRateRemaining.record}{${ESTATS_JOB}}`,
                '{{schedule}} → {{akamai_client}} lowest Remaining',
              ),
              target(
                `max by (${LABEL.akamaiClient}) (${HEALTH.akamaiRateLimit.record}{${ESTATS_JOB}})`,
                '{{akamai_client}} limit',
              ),
            ],
            'short',
            {
              description:
                "X-RateLimit-Limit and the lowest X-RateLimit-Remaining each eStats run saw per API client. Akamai counts every caller of the client: a Remaining near 0 while the schedule's own targets did not grow means someone else spends it too.",
            },
          ),
          timeseries(
            'Time waited for the budget',
            { w: 8, h: 8 },
            [
              target(
                `${HEALTH.akamaiRateWait.record}{${ESTATS_JOB}}`,
                '{{schedule}} → {{akamai_client}}',
              ),
            ],
            's',
            {
              description:
                "Seconds the run's requests waited for the API client's rate budget, summed over its requests (several wait at once).",
            },
          ),
          timeseries(
            'Requests Akamai refused (429)',
            { w: 8, h: 8 },
            [
              target(
                `${HEALTH.akamaiThrottled.record}{${ESTATS_JOB}}`,
                '{{schedule}} → {{akamai_client}}',
              ),
            ],
            'short',
            {
              description:
                'Answers 429 of the last run. Each is retried when X-RateLimit-Next allows; a few mean schedules started together, many that another user spends the budget past the reserve.',
            },
          ),
        ],
      },
      {
        title: 'Janitor',
        panels: [
          timeseries(
            'Groups deleted by the janitor',
            { w: 12, h: 8 },
            [
              target(
                `${JANITOR_RECORDED.deletedGroups.record}{${JANITOR_JOB}}`,
                '{{stage}} {{collector_job}} deleted',
              ),
              target(
                `${JANITOR_RECORDED.expiredGroups.record}{${JANITOR_JOB}}`,
                '{{stage}} {{collector_job}} expired',
                'B',
              ),
            ],
            'short',
            {
              description:
                'Groups past their TTL found by the last janitor run, and deleted by it (at most maxDeletesPerRun; none in a dry run).',
            },
          ),
          stat(
            'Since the last janitor run',
            { w: 12, h: 8 },
            [
              target(
                `time() - ${JANITOR_RECORDED.lastRunTimestamp.record}{${JANITOR_JOB}}`,
                '{{stage}}',
              ),
            ],
            's',
            [
              { color: 'green', value: null },
              { color: 'orange', value: 2 * 3600 },
              { color: 'red', value: 6 * 3600 },
            ],
            'The janitor runs hourly by default.',
          ),
        ],
      },
    ],
  });
}
