import { COLLECTOR, LABEL } from '../../metrics/catalogue';
import { ConfigurationError } from '../../shared/errors';
import { type AlertDefinition, assertDuration } from '../builders';
import type { AlertingConfig } from '../config';
import { formatDuration, parseDuration } from '../duration';
import { LEVEL, newestWithin } from '../../queries/freshest';
import { jobMatcher, on } from '../../queries/promql';
import type { RecordedSeries } from '../../queries/recorded';
import type { RuleScope } from '../scope';

type Alert = Omit<AlertDefinition, 'team'>;

/** One series per schedule the stage deploys, labelled with its job and name. */
export const DEPLOYED_SCHEDULE = `${LEVEL.runHealth}:collector_deployed:info`;
const ON_SCHEDULE = on([LABEL.job, LABEL.schedule]);

/** Seconds after which a job's group or sample counts as stale: a few of its intervals. */
export function staleAfterSeconds(config: AlertingConfig, job: string): number {
  const interval = config.collectors.intervals[job];
  if (interval === undefined)
    throw new ConfigurationError(
      `alerting config: collectors.intervals has no interval for job ${job}`,
      {
        hint: "a collector's row gives its job's default interval (alerting.defaultIntervalSeconds, deploy/stage/collectors)",
      },
    );
  return interval * config.collectors.staleAfterIntervals;
}

/**
 * One constant series per collector job: the seconds after which its group or sample counts
 * as stale. The staleness alerts compare with it on the job, so their expressions stay one
 * comparison however many collectors there are.
 */
export const STALE_AFTER = 'job:collector_stale_after_seconds:info';

/** The staleness threshold of each job the alerting config gives an interval. */
export function staleAfterRecordings(config: AlertingConfig): RecordedSeries[] {
  return Object.keys(config.collectors.intervals).map((job) => ({
    record: STALE_AFTER,
    expr: `vector(${staleAfterSeconds(config, job)})`,
    labels: { [LABEL.job]: job },
  }));
}

/** `age` (series with a job label) above its job's staleness threshold. */
export function staleAbove(age: string): string {
  return `${age} > ${on([LABEL.job])} group_left ${STALE_AFTER}`;
}

/** One constant series per enabled schedule of the stage: what should be delivering. */
export function deployedScheduleRecordings(scope: RuleScope): RecordedSeries[] {
  return Object.entries(scope.schedules).flatMap(([job, names]) =>
    names.map((name) => ({
      record: DEPLOYED_SCHEDULE,
      expr: 'vector(1)',
      labels: { [LABEL.job]: job, [LABEL.schedule]: name },
    })),
  );
}

/**
 * Staleness for stores that keep samples only (remote write): a stopped collector's series
 * just end, so ages are read as the newest value over a lookback, and a schedule silent for
 * the whole lookback is found by its absence. The stage's own schedules are recorded as one
 * constant series each (DEPLOYED_SCHEDULE): one removed from the stage file stops being
 * watched when its rules are exported again.
 *
 * - CollectorSuccessStale: the newest `collector_last_success_timestamp_seconds` of a schedule
 *   is older than a few intervals. Its lookback is `successLookback` plus `silentFor`, so it
 *   keeps firing until CollectorSilent has fired.
 * - CollectorSilent: no success of a schedule at all within `successLookback`: stopped long
 *   ago, or never ran (a new schedule has `silentFor` to deliver its first run).
 * A collector may add its own per-target alert of the kind (rules/estats.ts, AkamaiEstatsSampleStale).
 */
export function sampleTimeStalenessAlerts(
  config: AlertingConfig,
  scope: RuleScope,
): { recordings: RecordedSeries[]; alerts: Alert[] } {
  const { collectors } = config;
  assertDuration(collectors.successLookback, 'alerting config collectors.successLookback');
  assertDuration(collectors.silentFor, 'alerting config collectors.silentFor');
  const lookbackSeconds = parseDuration(collectors.successLookback) ?? 0;
  const silentForSeconds = parseDuration(collectors.silentFor) ?? 0;
  const staleRange = formatDuration(lookbackSeconds + silentForSeconds);
  const jobs = Object.entries(scope.schedules).filter(([, names]) => names.length > 0);
  const lastSuccess = COLLECTOR.lastSuccessTimestamp.name;
  const collectorJobs = jobMatcher(jobs.map(([job]) => job));

  const deployed = deployedScheduleRecordings(scope);
  const newestSuccess: RecordedSeries = {
    record: `${LEVEL.runHealth}:${lastSuccess}:max_over_time${staleRange}`,
    expr: `${newestWithin(`${lastSuccess}{${collectorJobs}}`, staleRange)}\nand ${ON_SCHEDULE} ${DEPLOYED_SCHEDULE}`,
  };
  // A deployed job without an interval has no threshold: refused here, naming it.
  for (const [job] of jobs) staleAfterSeconds(config, job);
  const silent = `${DEPLOYED_SCHEDULE}\nunless ${ON_SCHEDULE} max_over_time(${lastSuccess}{${collectorJobs}}[${collectors.successLookback}])`;
  const collectorAlerts: Alert[] = [
    {
      alert: 'CollectorSuccessStale',
      expr: staleAbove(`time() - ${newestSuccess.record}`),
      for: '1m',
      severity: collectors.staleSeverity,
      summary:
        '{{ $labels.job }} {{ $labels.schedule }} last succeeded {{ $value | humanizeDuration }} ago',
      description: `The schedule {{ $labels.schedule }} of {{ $labels.job }} last completed a successful run {{ $value | humanizeDuration }} ago, more than ${collectors.staleAfterIntervals} schedule intervals: it stopped running, its runs fail, or they cannot deliver. Its series are stale or missing.`,
      runbook: 'collectors#collectorsuccessstale',
    },
    {
      alert: 'CollectorSilent',
      expr: silent,
      for: collectors.silentFor,
      severity: collectors.staleSeverity,
      summary: `{{ $labels.job }} {{ $labels.schedule }} has not succeeded in ${collectors.successLookback}`,
      description: `The schedule {{ $labels.schedule }} of {{ $labels.job }} is deployed in this stage, but no successful run of it arrived in the last ${collectors.successLookback}: it stopped long ago, or it never ran.`,
      runbook: 'collectors#collectorsilent',
    },
  ];
  return {
    recordings: [...deployed, ...staleAfterRecordings(config), newestSuccess],
    alerts: collectorAlerts,
  };
}
