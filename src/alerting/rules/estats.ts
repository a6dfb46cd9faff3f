import * as z from 'zod/mini';
import { defaultsOf as section } from '../../shared/zod';
import { ESTATS, JOB, LABEL } from '../../metrics/catalogue';
import { ESTATS_RECORDED, hitsMaxOverTime, ON_TARGET } from '../../queries/estats';
import { newestWithin, PUSHGATEWAY_INSTANCE } from '../../queries/freshest';
import { anyOf, exactRegex, quote } from '../../queries/promql';
import type { RecordedSeries } from '../../queries/recorded';
import type { AlertDefinition, AlertGroupDefinition } from '../builders';
import type { CollectorAlerting } from '../collectorAlerting';
import type { AlertingConfig } from '../config';
import { type RuleScope, stalenessOf } from '../scope';
import { count, duration, ratio, severity, type SeverityLevel } from '../settingKinds';
import { staleAfterSeconds } from './sampleStaleness';
import { TARGET_TEXT } from './text';

/** One target's threshold in place of the default (one property is noisier than another). */
const override = z.strictObject({
  /** Which target: a CP code or a URL, as pushed in the cp_code / url label. */
  cpCode: z.optional(z.int().check(z.positive())),
  url: z.optional(z.string()),
  above: ratio,
});

/** Fire above `above` (0-1) for `for`, except for the targets that override it. */
const ratioThreshold = (above: number, forDuration: string, level: SeverityLevel) =>
  section(
    z.strictObject({
      above: z._default(ratio, above),
      for: z._default(duration, forDuration),
      severity: z._default(severity, level),
      overrides: z._default(
        z.array(
          override.check(
            z.refine((o) => (o.cpCode === undefined) !== (o.url === undefined), {
              message: 'give either cpCode or url',
            }),
          ),
        ),
        [],
      ),
    }),
  );

/** The `alerting.estats` section. eStats samples every 2 minutes: 6m is three consecutive bad samples. */
const ESTATS_ALERT_SETTINGS = section(
  z.strictObject({
    /** Ignore samples with fewer edge hits than this: ratios of tiny samples are noise. */
    minHits: z._default(count, 100),
    edge5xxRatio: ratioThreshold(0.05, '6m', 'critical'),
    edgeFailureRatio: ratioThreshold(0.1, '6m', 'warning'),
    originFailureRatio: ratioThreshold(0.05, '6m', 'warning'),
    trafficVanished: section(
      z.strictObject({
        hadHitsOver: z._default(count, 100),
        lookback: z._default(duration, '1h'),
        for: z._default(duration, '6m'),
        severity: z._default(severity, 'critical'),
      }),
    ),
    targetFailing: section(
      z.strictObject({
        for: z._default(duration, '6m'),
        severity: z._default(severity, 'warning'),
      }),
    ),
  }),
);
export type EstatsAlertSettings = z.output<typeof ESTATS_ALERT_SETTINGS>;
export type TargetOverride = EstatsAlertSettings['edge5xxRatio']['overrides'][number];

/**
 * `metric{…} > threshold`, with per-target overrides: each overridden target gets its own
 * clause, and the default clause excludes them, so exactly one threshold applies per target.
 */
export function thresholdExpr(
  metric: string,
  matchers: string,
  above: number,
  overrides: readonly TargetOverride[],
): string {
  const clauses: string[] = [];
  const cpCodes: string[] = [];
  const urls: string[] = [];
  for (const override of overrides) {
    if (override.cpCode !== undefined) {
      cpCodes.push(String(override.cpCode));
      clauses.push(
        `${metric}{${matchers},${LABEL.cpCode}=${quote(String(override.cpCode))}} > ${override.above}`,
      );
    } else if (override.url !== undefined) {
      urls.push(override.url);
      clauses.push(
        `${metric}{${matchers},${LABEL.url}=${quote(override.url)}} > ${override.above}`,
      );
    }
  }
  const exclusions = [
    ...(cpCodes.length ? [`${LABEL.cpCode}!~${exactRegex(cpCodes)}`] : []),
    ...(urls.length ? [`${LABEL.url}!~${exactRegex(urls)}`] : []),
  ];
  clauses.push(`${metric}{${[matchers, ...exclusions].join(',')}} > ${above}`);
  return anyOf(clauses);
}

/** eStats' part of the alerting: its section, its rules, the series its collector pushes. */
export const ESTATS_ALERTING = {
  settings: ESTATS_ALERT_SETTINGS,
  defaultIntervalSeconds: 120,
  rules: (section, config, scope) =>
    estatsRules(ESTATS_ALERT_SETTINGS.parse(section), config, scope),
  series: {
    metrics: Object.values(ESTATS).map((family) => family.name),
    labels: Object.values(ESTATS).flatMap((family) => [...family.labels]),
  },
} satisfies CollectorAlerting<typeof ESTATS_ALERT_SETTINGS>;

export function estatsRules(
  estats: EstatsAlertSettings,
  config: AlertingConfig,
  scope: RuleScope,
): AlertGroupDefinition {
  const { hits, statusClassRatio, failureRatio, failureInfo, up } = ESTATS_RECORDED;
  const direction = (value: string) => `${LABEL.direction}=${quote(value)}`;
  const enoughHits = (value: string) =>
    `and ${ON_TARGET} ${hits.record}{${direction(value)}} >= ${estats.minHits}`;
  const hadHits = hitsMaxOverTime(estats.trafficVanished.lookback);
  const recordings: RecordedSeries[] = [
    statusClassRatio,
    failureRatio,
    hits,
    hadHits,
    failureInfo,
    up,
  ];
  return {
    name: 'akamai-estats',
    team: 'cdn',
    recordings,
    alerts: [
      {
        alert: 'AkamaiEdge5xxRatioHigh',
        expr: `${thresholdExpr(statusClassRatio.record, `${direction('edge')},${LABEL.statusClass}="5xx"`, estats.edge5xxRatio.above, estats.edge5xxRatio.overrides)}\n${enoughHits('edge')}`,
        for: estats.edge5xxRatio.for,
        severity: estats.edge5xxRatio.severity,
        summary: `Edge 5xx ratio {{ $value | humanizePercentage }} for ${TARGET_TEXT}`,
        description: `{{ $value | humanizePercentage }} of the hits Akamai served for ${TARGET_TEXT} were 5xx in the last eStats samples (threshold ${estats.edge5xxRatio.above * 100}% unless overridden).`,
        runbook: 'estats#akamaiedge5xxratiohigh',
      },
      {
        alert: 'AkamaiEdgeFailureRatioHigh',
        expr: `${thresholdExpr(failureRatio.record, direction('edge'), estats.edgeFailureRatio.above, estats.edgeFailureRatio.overrides)}\n${enoughHits('edge')}`,
        for: estats.edgeFailureRatio.for,
        severity: estats.edgeFailureRatio.severity,
        summary: `Edge failure ratio {{ $value | humanizePercentage }} for ${TARGET_TEXT}`,
        description: `Akamai reports {{ $value | humanizePercentage }} of edge hits for ${TARGET_TEXT} as failures (4xx and 5xx).`,
        runbook: 'estats#akamaiedgefailureratiohigh',
      },
      {
        alert: 'AkamaiOriginFailureRatioHigh',
        expr: `${thresholdExpr(failureRatio.record, direction('origin'), estats.originFailureRatio.above, estats.originFailureRatio.overrides)}\n${enoughHits('origin')}`,
        for: estats.originFailureRatio.for,
        severity: estats.originFailureRatio.severity,
        summary: `Origin failure ratio {{ $value | humanizePercentage }} for ${TARGET_TEXT}`,
        description: `{{ $value | humanizePercentage }} of the requests Akamai forwarded to the origin of ${TARGET_TEXT} failed.`,
        runbook: 'estats#akamaioriginfailureratiohigh',
      },
      {
        alert: 'AkamaiTrafficVanished',
        expr: `${hits.record}{${direction('edge')}} == 0\nand ${ON_TARGET} ${hadHits.record}{${direction('edge')}} > ${estats.trafficVanished.hadHitsOver}`,
        for: estats.trafficVanished.for,
        severity: estats.trafficVanished.severity,
        summary: `No edge traffic for ${TARGET_TEXT}`,
        description: `eStats shows no hits for ${TARGET_TEXT}, which had more than ${estats.trafficVanished.hadHitsOver} hits per sample in the last ${estats.trafficVanished.lookback}: DNS, property activation or a client-side outage?`,
        runbook: 'estats#akamaitrafficvanished',
      },
      {
        alert: 'AkamaiEstatsTargetFailing',
        // The failure info carries the reason label; joined on the target's up == 0.
        expr: `${failureInfo.record}\nand ${ON_TARGET} ${up.record} == 0`,
        for: estats.targetFailing.for,
        severity: estats.targetFailing.severity,
        summary: `eStats cannot be read for ${TARGET_TEXT} ({{ $labels.reason }})`,
        description: `The collector's eStats requests for ${TARGET_TEXT} fail with reason "{{ $labels.reason }}"; its status-code alerts are blind meanwhile.`,
        runbook: 'estats#akamaiestatstargetfailing',
      },
      // Where series end when a collector stops, the age of each target's sample.
      ...(stalenessOf(scope) === 'sample-time' && (scope.schedules[JOB.estats] ?? []).length > 0
        ? [sampleStale(config)]
        : []),
    ],
  };
}

/**
 * Where the series of a stopped collector end (remote write): a target still in the runs (its
 * `akamai_estats_up` arrives) whose newest eStats sample is old. A stopped collector is
 * CollectorSuccessStale and CollectorSilent (sampleStaleness.ts), not one alert per target.
 */
function sampleStale(config: AlertingConfig): Omit<AlertDefinition, 'team'> {
  const { collectors } = config;
  const estats = `${LABEL.job}=${quote(JOB.estats)}`;
  return {
    alert: 'AkamaiEstatsSampleStale',
    expr: `time() - ${newestWithin(`${ESTATS.sampleTimestamp.name}{${estats}}`, collectors.successLookback)} > ${staleAfterSeconds(config, JOB.estats)}\nand ${ON_TARGET} max without(${PUSHGATEWAY_INSTANCE}) (${ESTATS.up.name}{${estats}})`,
    for: '1m',
    severity: collectors.staleSeverity,
    summary: `The newest eStats sample of ${TARGET_TEXT} is {{ $value | humanizeDuration }} old`,
    description: `The collector still delivers ${TARGET_TEXT}, but the newest eStats sample Akamai completed for it is {{ $value | humanizeDuration }} old, more than ${collectors.staleAfterIntervals} schedule intervals: its requests fail (then AkamaiEstatsTargetFailing says why) or Akamai serves an old sample. Its status-code alerts read old data.`,
    runbook: 'estats#akamaiestatssamplestale',
  };
}
