import * as z from 'zod/mini';
import { defaultsOf as section } from '../../shared/zod';
import { SCRAPE_REPORT } from '../../metrics/catalogue';
import type { AlertGroupDefinition } from '../builders';
import type { CollectorAlerting } from '../collectorAlerting';
import { duration, ratio, severity } from '../settingKinds';

/** The `alerting.scrape` section, for the scrape schedules' targets: three missed runs of a minute. */
const SCRAPE_ALERT_SETTINGS = section(
  z.strictObject({
    downFor: z._default(duration, '3m'),
    downSeverity: z._default(severity, 'warning'),
    /** Of its timeout. */
    slowAbove: z._default(ratio, 0.8),
    slowFor: z._default(duration, '10m'),
  }),
);
export type ScrapeAlertSettings = z.output<typeof SCRAPE_ALERT_SETTINGS>;

/**
 * The series of targets our scrape function delivered, and only those: they share their
 * job and instance with a group's push time (the Pushgateway's, or the one remote write
 * sends), which no target Prometheus scrapes itself has.
 */
const OURS = 'and on(job, instance) push_time_seconds';

const TARGET = '{{ $labels.instance }} (job {{ $labels.job }})';

/**
 * The scrape schedules' part of the alerting. Their targets' series are whatever the targets
 * expose: the rules read only the scrape report each target's group carries.
 */
export const SCRAPE_ALERTING = {
  settings: SCRAPE_ALERT_SETTINGS,
  defaultIntervalSeconds: 60,
  rules: (section) => scrapeRules(SCRAPE_ALERT_SETTINGS.parse(section)),
  series: { metrics: Object.values(SCRAPE_REPORT), labels: [] },
} satisfies CollectorAlerting<typeof SCRAPE_ALERT_SETTINGS>;

export function scrapeRules(scrape: ScrapeAlertSettings): AlertGroupDefinition {
  const { up, duration, timeout, samplesKept, sampleLimit } = SCRAPE_REPORT;
  return {
    name: 'scrape-targets',
    team: 'network',
    recordings: [],
    alerts: [
      {
        alert: 'ScrapeTargetDown',
        expr: `${up} == 0 ${OURS}`,
        for: scrape.downFor,
        severity: scrape.downSeverity,
        summary: `Scrape target ${TARGET} is down`,
        description:
          'The scrape function\'s fetches of this target got no answer, an error status, a malformed body or more samples than the sample limit: its group holds up 0 and the scrape_* series, none of its old values. The function\'s log line "scrape target down" says which.',
        runbook: 'scrape#scrapetargetdown',
      },
      {
        alert: 'ScrapeTargetSlow',
        expr: `${duration} / ${timeout} > ${scrape.slowAbove} ${OURS}`,
        for: scrape.slowFor,
        severity: 'warning',
        summary: `Scrape of ${TARGET} takes {{ $value | humanizePercentage }} of its timeout`,
        description:
          'Fetching this target takes most of its timeoutSeconds: a little slower and it is down. An snmp_exporter walking a large switch, a probe of a slow URL or a congested path are the usual causes.',
        runbook: 'scrape#scrapetargetslow',
      },
      {
        alert: 'ScrapeSampleLimitExceeded',
        expr: `${samplesKept} > ${sampleLimit} and ${sampleLimit} > 0 ${OURS}`,
        severity: 'warning',
        summary: `${TARGET} exposes {{ $value }} samples, over its sample limit`,
        description:
          "The target's body had more samples (after the metric lists) than the schedule's sampleLimit, so nothing of it was pushed and the target is down. Its series count grew: a new label value per request, more interfaces, a new exporter version.",
        runbook: 'scrape#scrapesamplelimitexceeded',
      },
    ],
  };
}
