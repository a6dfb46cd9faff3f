import * as z from 'zod/mini';
import { defaultsOf as section } from '../../shared/zod';
import { LABEL, TRAFFIC } from '../../metrics/catalogue';
import { quote } from '../../queries/promql';
import {
  bucketEndWithin,
  hitsAverageOver,
  NEWEST_BUCKET_RANGE,
  ON_CP_CODE,
  TRAFFIC_RECORDED,
} from '../../queries/traffic';
import type { AlertGroupDefinition } from '../builders';
import type { CollectorAlerting } from '../collectorAlerting';
import { parseDuration } from '../duration';
import { count, duration, ratio, severity } from '../settingKinds';

/** How far back the staleness alert looks for a CP code's newest bucket. */
const STALE_LOOKBACK = '6h';

/**
 * The `alerting.traffic` section. A bucket is five minutes: 30m of low offload is six buckets
 * in a row.
 */
const TRAFFIC_ALERT_SETTINGS = section(
  z.strictObject({
    offloadLow: section(
      z.strictObject({
        /** Fire when the hit offload stays below this (0-1). */
        below: z._default(ratio, 0.5),
        /** Ignore buckets with fewer edge hits: the offload of a trickle is noise. */
        minEdgeHits: z._default(count, 1000),
        for: z._default(duration, '30m'),
        severity: z._default(severity, 'warning'),
      }),
    ),
    originSurge: section(
      z.strictObject({
        /** Fire when origin hits exceed this many times their average over `baseline`. */
        factor: z._default(z.number().check(z.gt(1)), 3),
        baseline: z._default(duration, '3h'),
        /** Ignore buckets with fewer origin hits. */
        minOriginHits: z._default(count, 1000),
        for: z._default(duration, '15m'),
        severity: z._default(severity, 'warning'),
      }),
    ),
    dataStale: section(
      z.strictObject({
        /** Fire when the newest bucket of a CP code ended longer ago than this. */
        after: z._default(duration, '45m'),
        severity: z._default(severity, 'warning'),
      }),
    ),
    targetFailing: section(
      z.strictObject({
        for: z._default(duration, '15m'),
        severity: z._default(severity, 'warning'),
      }),
    ),
  }),
);
export type TrafficAlertSettings = z.output<typeof TRAFFIC_ALERT_SETTINGS>;

/** The traffic collector's part of the alerting. */
export const TRAFFIC_ALERTING = {
  settings: TRAFFIC_ALERT_SETTINGS,
  defaultIntervalSeconds: 300,
  rules: (section) => trafficRules(TRAFFIC_ALERT_SETTINGS.parse(section)),
  series: {
    metrics: Object.values(TRAFFIC).map((family) => family.name),
    labels: Object.values(TRAFFIC).flatMap((family) => [...family.labels]),
  },
} satisfies CollectorAlerting<typeof TRAFFIC_ALERT_SETTINGS>;

/** " (shop-images)": the CP code's name from its info series, when it has one. */
const NAME = `{{ with query (printf "last_over_time(${TRAFFIC.targetInfo.name}{${LABEL.cpCode}=%q}[${NEWEST_BUCKET_RANGE}])" $labels.${LABEL.cpCode}) }} ({{ . | first | label "${LABEL.targetName}" }}){{ end }}`;
const CP_CODE_TEXT = `CP code {{ $labels.${LABEL.cpCode} }}${NAME}`;

export function trafficRules(traffic: TrafficAlertSettings): AlertGroupDefinition {
  const { hits, hitOffload, up, failureInfo } = TRAFFIC_RECORDED;
  const direction = (value: string) => `${LABEL.direction}=${quote(value)}`;
  const baseline = hitsAverageOver(traffic.originSurge.baseline);
  const newestEnd = bucketEndWithin(STALE_LOOKBACK);
  const staleSeconds = parseDuration(traffic.dataStale.after) ?? 0;
  return {
    name: 'akamai-traffic',
    team: 'cdn',
    recordings: [hits, hitOffload, baseline, newestEnd, up, failureInfo],
    alerts: [
      {
        alert: 'AkamaiTrafficOffloadLow',
        expr: `${hitOffload.record} < ${traffic.offloadLow.below}\nand ${ON_CP_CODE} ${hits.record}{${direction('edge')}} >= ${traffic.offloadLow.minEdgeHits}`,
        for: traffic.offloadLow.for,
        severity: traffic.offloadLow.severity,
        summary: `Hit offload {{ $value | humanizePercentage }} for ${CP_CODE_TEXT}`,
        description: `Akamai served only {{ $value | humanizePercentage }} of the edge hits of ${CP_CODE_TEXT} from cache in its newest 5-minute buckets (threshold ${traffic.offloadLow.below * 100}%): the rest went to the origin. A purge, a cache-key or TTL change, or uncacheable responses?`,
        runbook: 'traffic#akamaitrafficoffloadlow',
      },
      {
        alert: 'AkamaiTrafficOriginSurge',
        expr: `${hits.record}{${direction('origin')}}\n> ${traffic.originSurge.factor} * ${baseline.record}{${direction('origin')}}\nand ${ON_CP_CODE} ${hits.record}{${direction('origin')}} >= ${traffic.originSurge.minOriginHits}`,
        for: traffic.originSurge.for,
        severity: traffic.originSurge.severity,
        summary: `Origin traffic surge for ${CP_CODE_TEXT}: {{ $value }} hits per bucket`,
        description: `Akamai forwarded {{ $value }} hits of ${CP_CODE_TEXT} to the origin in its newest 5-minute bucket, more than ${traffic.originSurge.factor} times its average of the last ${traffic.originSurge.baseline}. The origin takes load the cache used to absorb.`,
        runbook: 'traffic#akamaitrafficoriginsurge',
      },
      {
        alert: 'AkamaiTrafficDataStale',
        expr: `time() - ${newestEnd.record} > ${staleSeconds}\nand ${ON_CP_CODE} ${up.record}`,
        for: '5m',
        severity: traffic.dataStale.severity,
        summary: `The newest traffic bucket of ${CP_CODE_TEXT} ended {{ $value | humanizeDuration }} ago`,
        description: `The collector still runs for ${CP_CODE_TEXT}, but its newest 5-minute bucket ended {{ $value | humanizeDuration }} ago, more than ${traffic.dataStale.after}: its reports fail (AkamaiTrafficTargetFailing says why) or no sink takes them. The traffic panels and alerts read old data; the next run that succeeds fills the gap within the backfill window.`,
        runbook: 'traffic#akamaitrafficdatastale',
      },
      {
        alert: 'AkamaiTrafficTargetFailing',
        expr: `${failureInfo.record}\nand ${ON_CP_CODE} ${up.record} == 0`,
        for: traffic.targetFailing.for,
        severity: traffic.targetFailing.severity,
        summary: `Traffic cannot be read for ${CP_CODE_TEXT} ({{ $labels.reason }})`,
        description: `The collector's traffic reports for ${CP_CODE_TEXT} fail with reason "{{ $labels.reason }}"; its buckets are fetched again by the next run that succeeds, within the backfill window.`,
        runbook: 'traffic#akamaitraffictargetfailing',
      },
    ],
  };
}
