import { COLLECTOR, LABEL } from '../../metrics/catalogue';
import { JANITOR_RECORDED, RUN_HEALTH_RECORDED } from '../../queries/collectors';
import { PUSHGATEWAY_INSTANCE } from '../../queries/freshest';
import { jobMatcher, on, quote } from '../../queries/promql';
import { type AlertGroupDefinition, assertDuration } from '../builders';
import type { AlertingConfig } from '../config';
import { keepsGroups, type RuleScope, stalenessOf } from '../scope';
import {
  DEPLOYED_SCHEDULE,
  deployedScheduleRecordings,
  sampleTimeStalenessAlerts,
  staleAbove,
  staleAfterRecordings,
} from './sampleStaleness';
import type { RecordedSeries } from '../../queries/recorded';

/** Series the Pushgateway and Prometheus add themselves (not in our catalogue). */
export const BUILTIN_METRICS = ['push_time_seconds', 'push_failure_time_seconds', 'up'] as const;

/** A readable grouping key from the labels a group may carry. */
const GROUP_TEXT = `{{ $labels.job }}{{ with $labels.schedule }} schedule={{ . }}{{ end }}{{ with $labels.cp_code }} cp_code={{ . }}{{ end }}{{ with $labels.url }} url={{ . }}{{ end }}{{ with $labels.fleet }} fleet={{ . }}{{ end }}{{ with $labels.device }} device={{ . }}{{ end }}`;

/**
 * The collectors' own alerts: staleness in the form the stage's sinks allow (scope.ts), and
 * the Pushgateway's alerts when the stage pushes to one.
 */
export function collectorRules(config: AlertingConfig, scope: RuleScope): AlertGroupDefinition {
  const staleness =
    stalenessOf(scope) === 'push-time'
      ? pushTimeStaleness(config, scope)
      : sampleTimeStalenessAlerts(config, scope);
  const pushgateway = keepsGroups(scope);
  return {
    name: 'collectors',
    team: 'observability',
    recordings: [
      ...(pushgateway
        ? [
            RUN_HEALTH_RECORDED.pushgatewayMissedGroups,
            JANITOR_RECORDED.deletedGroups,
            RUN_HEALTH_RECORDED.runDuration,
            RUN_HEALTH_RECORDED.scheduleInterval,
          ]
        : []),
      ...staleness.recordings,
    ],
    alerts: [
      ...staleness.alerts,
      runsOutgrowIntervalAlert(pushgateway),
      ...(pushgateway ? pushgatewayAlerts(config) : []),
    ],
  };
}

/** Runs take most of their schedule's interval: the next tick would find the last still going. */
const OUTGROWN_SHARE = 0.8;

/**
 * A schedule whose runs no longer fit its interval (eStats: its API clients' budget is spent
 * by others, or Akamai answers slowly). From the run's own duration and the interval packaging
 * gave it; the freshest copy of each when Pushgateways keep them.
 */
function runsOutgrowIntervalAlert(pushgateway: boolean): AlertGroupDefinition['alerts'][number] {
  const [duration, interval] = pushgateway
    ? [RUN_HEALTH_RECORDED.runDuration.record, RUN_HEALTH_RECORDED.scheduleInterval.record]
    : [COLLECTOR.runDuration.name, COLLECTOR.scheduleInterval.name].map(
        (name) => `max without(${PUSHGATEWAY_INSTANCE}) (${name})`,
      );
  return {
    alert: 'CollectorRunsOutgrowInterval',
    expr: `${duration} > on(${LABEL.job}, ${LABEL.schedule}) (${OUTGROWN_SHARE} * ${interval})`,
    for: '10m',
    severity: 'warning',
    summary:
      '{{ $labels.job }} {{ $labels.schedule }} runs take {{ $value | humanizeDuration }}, most of their interval',
    description: `The last runs of {{ $labels.job }} {{ $labels.schedule }} took {{ $value | humanizeDuration }}, more than ${OUTGROWN_SHARE * 100}% of the schedule's interval: soon a run will not end before the next tick, and its targets end as "deadline". For eStats, its API clients' budget is spent (collector_akamai_rate_wait_seconds, ..._throttled_requests on the Collector health dashboard): others use the client too, or the schedule asks more than packaging assumed.`,
    runbook: 'collectors#collectorrunsoutgrowinterval',
  };
}

/**
 * Staleness on Pushgateways: a group's last push is old (CollectorGroupStale). That cannot
 * see a group that is gone: a Pushgateway restarted without persistence (or wiped) while a
 * collector is dead loses its groups and their push_time_seconds with them. So each schedule
 * the stage deploys (when the rules are rendered from its stage file) is also watched for the
 * absence of its run-health group on every Pushgateway (CollectorGroupMissing), as the
 * sample-time rules watch remote write.
 */
function pushTimeStaleness(
  config: AlertingConfig,
  scope: RuleScope,
): { recordings: RecordedSeries[]; alerts: AlertGroupDefinition['alerts'] } {
  const deployed = deployedScheduleRecordings(scope);
  const thresholds = staleAfterRecordings(config);
  if (deployed.length === 0) return { recordings: thresholds, alerts: [groupStaleAlert(config)] };
  const { collectors } = config;
  assertDuration(collectors.silentFor, 'alerting config collectors.silentFor');
  const jobs = jobMatcher(Object.keys(scope.schedules));
  const onSchedule = on([LABEL.job, LABEL.schedule]);
  return {
    recordings: [...deployed, ...thresholds],
    alerts: [
      groupStaleAlert(config),
      {
        alert: 'CollectorGroupMissing',
        expr: `${DEPLOYED_SCHEDULE}\nunless ${onSchedule} push_time_seconds{${jobs}}`,
        for: collectors.silentFor,
        severity: collectors.staleSeverity,
        summary:
          'No Pushgateway holds the run-health group of {{ $labels.job }} {{ $labels.schedule }}',
        description: `The schedule {{ $labels.schedule }} of {{ $labels.job }} is deployed in this stage, but no Pushgateway holds its run-health group (job and schedule), so CollectorGroupStale has nothing to read: a Pushgateway restarted without persistence or was wiped while the collector is not running, or the schedule never ran. Its series are missing, not stale.`,
        runbook: 'collectors#collectorgroupmissing',
      },
    ],
  };
}

/** A group whose last push, on any Pushgateway, is a few intervals old. */
function groupStaleAlert(config: AlertingConfig): AlertGroupDefinition['alerts'][number] {
  const { collectors } = config;
  const jobs = jobMatcher(Object.keys(collectors.intervals));
  return {
    alert: 'CollectorGroupStale',
    // The latest push on any Pushgateway: stale only when stale on every one.
    expr: staleAbove(`time() - max without(${PUSHGATEWAY_INSTANCE}) (push_time_seconds{${jobs}})`),
    for: '1m',
    severity: collectors.staleSeverity,
    summary: 'Pushgateway group {{ $labels.job }} not pushed for {{ $value | humanizeDuration }}',
    description: `The group ${GROUP_TEXT} was last pushed {{ $value | humanizeDuration }} ago, more than ${collectors.staleAfterIntervals} schedule intervals: the collector stopped running or cannot reach the Pushgateway. Its values are stale.`,
    runbook: 'collectors#collectorgroupstale',
  };
}

/** Pushes refused, Pushgateways missed or down, groups the janitor expired. */
function pushgatewayAlerts(config: AlertingConfig): AlertGroupDefinition['alerts'] {
  const { collectors } = config;
  const jobs = Object.keys(collectors.intervals).join('|');
  return [
    {
      alert: 'CollectorPushFailing',
      // Compared on each Pushgateway, then one alert per group however many refuse it.
      expr: `max without(${PUSHGATEWAY_INSTANCE}) (push_failure_time_seconds{${LABEL.job}=~${quote(jobs)}} > push_time_seconds{${LABEL.job}=~${quote(jobs)}})`,
      for: collectors.pushFailingFor,
      severity: collectors.pushFailingSeverity,
      summary: 'Pushes to group {{ $labels.job }} are refused by the Pushgateway',
      description: `The last push to the group ${GROUP_TEXT} failed after its last success on at least one Pushgateway: it refuses the metrics (often inconsistent with another group). Nothing of those pushes was stored there.`,
      runbook: 'collectors#collectorpushfailing',
    },
    {
      alert: 'CollectorPushgatewayMissedGroups',
      expr: `${RUN_HEALTH_RECORDED.pushgatewayMissedGroups.record} > 0`,
      for: collectors.pushFailingFor,
      severity: 'warning',
      summary:
        '{{ $labels.job }} {{ $labels.schedule }} could not push {{ $value }} group(s) to {{ $labels.pushgateway }}',
      description:
        'The last run of {{ $labels.job }} {{ $labels.schedule }} could not push {{ $value }} of its groups to the Pushgateway {{ $labels.pushgateway }}; the other Pushgateways took them (the quorum was met, or the run would have failed). That Pushgateway serves older values of those groups meanwhile, and if it is the last one up, they are stale.',
      runbook: 'collectors#collectorpushgatewaymissedgroups',
    },
    {
      alert: 'PushgatewayGroupsExpired',
      expr: `${JANITOR_RECORDED.deletedGroups.record} > 0`,
      severity: 'info',
      summary: 'The janitor deleted {{ $value }} expired group(s) of {{ $labels.collector_job }}',
      description:
        'Groups of {{ $labels.collector_job }} (stage {{ $labels.stage }}) were not pushed for longer than their TTL and were deleted: a target, device or schedule was removed without its groups being cleaned up, or a collector stopped long ago. The janitor log lists each group.',
      runbook: 'collectors#pushgatewaygroupsexpired',
    },
    {
      alert: 'PushgatewayDown',
      expr: `up{${LABEL.job}=${quote(collectors.pushgatewayScrapeJob)}} == 0`,
      for: collectors.pushgatewayDownFor,
      // With several Pushgateways the others still hold every group; all down is critical.
      severity: 'warning',
      summary: 'Prometheus cannot scrape the Pushgateway {{ $labels.instance }}',
      description:
        'Prometheus cannot scrape the Pushgateway {{ $labels.instance }}, and collectors cannot push to it. With several Pushgateways the others still serve every group; with one, PushgatewaysAllDown fires too.',
      runbook: 'collectors#pushgatewaydown',
    },
    {
      alert: 'PushgatewaysAllDown',
      expr: `max by (${LABEL.job}) (up{${LABEL.job}=${quote(collectors.pushgatewayScrapeJob)}}) == 0`,
      for: collectors.pushgatewayDownFor,
      severity: 'critical',
      summary: 'Prometheus cannot scrape any Pushgateway',
      description:
        'Every pushed metric is invisible while no Pushgateway can be scraped, and collectors cannot push anywhere: their data of this time is lost.',
      runbook: 'collectors#pushgatewaysalldown',
    },
  ];
}
