import {
  DIRECTIONS,
  type Direction,
  ESTATS,
  STATUS_CLASSES,
  type StatusClass,
} from '../metrics/catalogue';
import { MAX_AKAMAI_LABEL_VALUE_LENGTH } from '../constants';
import { PushMetrics } from '../metrics/registry';
import type { FailureReason } from './errors';
import type { EdgeIpInfo, EstatsResponse, EstatsResult, StatusCodeShare } from './estatsSchema';

interface DirectionView {
  hits: number | null | undefined;
  errors: number | null | undefined;
  failurePercentage: number | null | undefined;
  distribution: StatusCodeShare[] | null | undefined;
  topErrors: EdgeIpInfo[] | null | undefined;
}

function directionView(result: EstatsResult, direction: Direction): DirectionView {
  return direction === 'edge'
    ? {
        hits: result.edgeHits,
        errors: result.edgeErrors,
        failurePercentage: result.edgeFailurePercentage,
        distribution: result.edgeStatusCodeDistribution,
        topErrors: result.topEdgeIpsWithError,
      }
    : {
        hits: result.originHits,
        errors: result.originErrors,
        failurePercentage: result.originFailurePercentage,
        distribution: result.originStatusCodeDistribution,
        topErrors: result.topEdgeIpsWithErrorFromOrigin,
      };
}

/**
 * A direction is reported when the answer carries any of its fields. With
 * `errorType: EDGE_ERRORS` Akamai leaves out every origin field, and the other way round;
 * publishing zeros for the missing direction would look like "no errors".
 */
function isPresent(view: DirectionView): boolean {
  return [view.hits, view.errors, view.failurePercentage, view.distribution].some(
    (value) => value !== undefined && value !== null,
  );
}

export function statusClassOf(httpStatus: number): StatusClass | 'other' {
  const hundred = Math.floor(httpStatus / 100);
  return hundred >= 1 && hundred <= 5 ? (STATUS_CLASSES[hundred - 1] as StatusClass) : 'other';
}

/**
 * Map one eStats answer to the target's metric families. Everything is a gauge: eStats is a
 * ~9 s sample of the last ~2 minutes, a snapshot, never a running total.
 */
export function buildEstatsMetrics(
  response: EstatsResponse,
  options: { topEdgeIps: number; requestDurationSeconds: number },
): PushMetrics {
  const completed = response.completedTime ?? response.createdTime;
  const completedMs = completed ? Date.parse(completed) : Number.NaN;
  // Stamped with Akamai's sample time where a sink can take it (remote write, Graphite).
  const metrics = new PushMetrics(Number.isFinite(completedMs) ? completedMs : undefined);
  const up = metrics.family(ESTATS.up);
  const hits = metrics.family(ESTATS.hits);
  const errors = metrics.family(ESTATS.errors);
  const failureRatio = metrics.family(ESTATS.failureRatio);
  const statusHits = metrics.family(ESTATS.statusHits);
  const classRatio = metrics.family(ESTATS.statusClassRatio);
  const topIps = metrics.family(ESTATS.topErrorEdgeIpHits);
  const sampleTime = metrics.family(ESTATS.sampleTimestamp);
  const requestDuration = metrics.family(ESTATS.requestDuration);

  up.set(1);
  requestDuration.set(options.requestDurationSeconds);
  if (completed) sampleTime.set(completedMs / 1000);

  const result = response.result ?? {};
  for (const direction of DIRECTIONS) {
    const view = directionView(result, direction);
    if (!isPresent(view)) continue;
    const distribution = view.distribution ?? [];
    const hitCount = view.hits ?? sumHits(distribution);
    const errorCount = view.errors ?? 0;
    hits.set({ direction }, hitCount);
    errors.set({ direction }, errorCount);
    failureRatio.set(
      { direction },
      view.failurePercentage != null
        ? clampRatio(view.failurePercentage / 100)
        : hitCount > 0
          ? clampRatio(errorCount / hitCount)
          : 0,
    );

    const perCode = new Map<number, number>();
    for (const share of distribution) {
      perCode.set(share.httpStatus, (perCode.get(share.httpStatus) ?? 0) + share.hits);
    }
    for (const [code, count] of perCode) {
      statusHits.set(
        { direction, status_code: String(code), status_class: statusClassOf(code) },
        count,
      );
    }
    const ratios = statusClassRatios(distribution);
    for (const statusClass of STATUS_CLASSES) {
      classRatio.set({ direction, status_class: statusClass }, ratios[statusClass]);
    }

    for (const [labels, count] of topErrorEdgeIps(view.topErrors ?? [], options.topEdgeIps)) {
      topIps.set({ direction, ...labels }, count);
    }
  }
  return metrics;
}

/**
 * The group of a target whose request failed: `up` 0 and the reason. It replaces the group
 * (PUT), so the target's last good numbers do not linger where alerts would read them as
 * current.
 */
export function buildEstatsFailureMetrics(reason: FailureReason): PushMetrics {
  const metrics = new PushMetrics();
  metrics.family(ESTATS.up).set(0);
  metrics.family(ESTATS.failureInfo).set({ reason }, 1);
  return metrics;
}

function sumHits(distribution: StatusCodeShare[]): number {
  return distribution.reduce((sum, share) => sum + share.hits, 0);
}

/**
 * Share of each status class. From hit counts when there are any (exact), else from the
 * percentages Akamai reports (EstatsMon's way); with no traffic at all every class is 0.
 */
function statusClassRatios(distribution: StatusCodeShare[]): Record<StatusClass, number> {
  const ratios: Record<StatusClass, number> = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  const total = sumHits(distribution);
  for (const share of distribution) {
    const statusClass = statusClassOf(share.httpStatus);
    if (statusClass === 'other') continue;
    ratios[statusClass] += total > 0 ? share.hits / total : (share.percentage ?? 0) / 100;
  }
  for (const statusClass of STATUS_CLASSES) ratios[statusClass] = clampRatio(ratios[statusClass]);
  return ratios;
}

function topErrorEdgeIps(
  items: EdgeIpInfo[],
  limit: number,
): Array<[Record<'edge_ip' | 'status_code' | 'error_code' | 'country_code', string>, number]> {
  const merged = new Map<
    string,
    {
      labels: Record<'edge_ip' | 'status_code' | 'error_code' | 'country_code', string>;
      hits: number;
    }
  >();
  for (const item of items) {
    const labels = {
      edge_ip: cap(item.edgeIp),
      status_code: item.httpStatus == null ? '' : String(item.httpStatus),
      error_code: cap(item.errorCode ?? ''),
      country_code: cap(item.edgeIpLocation?.countryCode ?? ''),
    };
    const key = JSON.stringify(labels);
    const entry = merged.get(key);
    if (entry) entry.hits += item.hits;
    else merged.set(key, { labels, hits: item.hits });
  }
  return [...merged.values()]
    .sort((a, b) => b.hits - a.hits || a.labels.edge_ip.localeCompare(b.labels.edge_ip))
    .slice(0, limit)
    .map((entry) => [entry.labels, entry.hits]);
}

function cap(value: string): string {
  return value.length > MAX_AKAMAI_LABEL_VALUE_LENGTH
    ? value.slice(0, MAX_AKAMAI_LABEL_VALUE_LENGTH)
    : value;
}

function clampRatio(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
