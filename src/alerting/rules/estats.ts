import { LABEL } from '../../metrics/catalogue';
import { ESTATS_RECORDED, hitsMaxOverTime, ON_TARGET } from '../../queries/estats';
import { anyOf, exactRegex, quote } from '../../queries/promql';
import type { RecordedSeries } from '../../queries/recorded';
import type { AlertGroupDefinition } from '../builders';
import type { AlertingConfig, TargetOverride } from '../config';
import { type RuleScope, stalenessOf } from '../scope';
import { sampleTimeStalenessAlerts } from './sampleStaleness';
import { TARGET_TEXT } from './text';

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

export function estatsRules(config: AlertingConfig, scope: RuleScope): AlertGroupDefinition {
  const { estats } = config;
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
      ...(stalenessOf(scope) === 'sample-time'
        ? sampleTimeStalenessAlerts(config, scope).estats
        : []),
    ],
  };
}
