/**
 * The request grammar of the Reporting API's `delivery/traffic/current` as the stand-in checks
 * it (reporting.ts): its dimensions, metrics, filters, sortBys and row limit.
 */
export const TRAFFIC_METRICS = [
  'edgeHitsSum',
  'edgeBytesSum',
  'edgeResponseBytesSum',
  'edgeRequestBytesSum',
  'midgressHitsSum',
  'midgressBytesSum',
  'originHitsSum',
  'originBytesSum',
  'originResponseBytesSum',
  'originRequestBytesSum',
] as const;
export type TrafficMetric = (typeof TRAFFIC_METRICS)[number];

/** The time dimensions, with the width of their buckets. */
export const TIME_DIMENSIONS: Readonly<Record<string, number>> = {
  time5minutes: 5 * 60_000,
  time1hour: 3_600_000,
  time1day: 86_400_000,
};
const DIMENSIONS = new Set([...Object.keys(TIME_DIMENSIONS), 'cpcode', 'deliveryType']);
const OPERATORS = new Set(['IN_LIST', 'NOT_IN_LIST', 'EQUAL', 'NOT_EQUAL']);
/** How far back the report holds data: 92 days. */
export const RETENTION_MS = 92 * 86_400_000;
/** The query parameters served (the asynchronous mode's are not). */
export const QUERY_PARAMS = new Set(['start', 'end', 'accountSwitchKey']);

export interface Filter {
  dimensionName: string;
  operator: string;
  expressions: string[];
}

export interface ReportBody {
  dimensions: string[];
  metrics: TrafficMetric[];
  filters: Filter[];
  sortBys: Array<{ name: string; sortOrder: 'ASCENDING' | 'DESCENDING' }>;
  limit: number | undefined;
}

export function validateBody(json: unknown): ReportBody | string {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return 'The request body must be a JSON object';
  const body = json as Record<string, unknown>;
  const extra = Object.keys(body).filter(
    (k) =>
      ![
        'dimensions',
        'metrics',
        'filters',
        'sortBys',
        'limit',
        'includeSummaryStatistics',
      ].includes(k),
  );
  if (extra.length > 0) return `Unknown field(s): ${extra.join(', ')}`;
  const dimensions = body.dimensions ?? ['time5minutes'];
  if (!isStrings(dimensions) || dimensions.length === 0)
    return 'dimensions must be a non-empty array of names';
  const unknownDimensions = dimensions.filter((d) => !DIMENSIONS.has(d));
  if (unknownDimensions.length > 0) return `Unknown dimension(s): ${unknownDimensions.join(', ')}`;
  if (dimensions.filter((d) => d in TIME_DIMENSIONS).length > 1)
    return 'At most one time dimension may be used';
  const metrics = body.metrics ?? ['edgeHitsSum', 'edgeBytesSum'];
  if (!isStrings(metrics) || metrics.length === 0) return 'metrics must be a non-empty array';
  const unknownMetrics = metrics.filter((m) => !(TRAFFIC_METRICS as readonly string[]).includes(m));
  if (unknownMetrics.length > 0) return `Unknown metric(s): ${unknownMetrics.join(', ')}`;
  const filters = body.filters ?? [];
  if (!Array.isArray(filters)) return 'filters must be an array';
  for (const filter of filters as unknown[]) {
    const f = filter as Partial<Filter> | null;
    if (
      typeof f !== 'object' ||
      f === null ||
      typeof f.dimensionName !== 'string' ||
      !OPERATORS.has(f.operator ?? '') ||
      !isStrings(f.expressions) ||
      f.expressions.length === 0
    )
      return 'Each filter needs dimensionName, operator (IN_LIST, NOT_IN_LIST, EQUAL, NOT_EQUAL) and expressions';
    if (!DIMENSIONS.has(f.dimensionName) || f.dimensionName in TIME_DIMENSIONS)
      return `Dimension ${f.dimensionName} is not filterable`;
    if (f.dimensionName === 'cpcode' && f.expressions.some((e) => !/^\d+$/.test(e)))
      return 'cpcode expressions must be CP code numbers';
  }
  const sortBys = body.sortBys ?? [];
  if (
    !Array.isArray(sortBys) ||
    sortBys.some(
      (s: { name?: unknown; sortOrder?: unknown } | null) =>
        typeof s?.name !== 'string' ||
        !(dimensions.includes(s.name) || metrics.includes(s.name)) ||
        !['ASCENDING', 'DESCENDING'].includes(String(s.sortOrder)),
    )
  )
    return 'sortBys must name a requested dimension or metric with sortOrder ASCENDING or DESCENDING';
  const limit = body.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || (limit as number) < 1))
    return 'limit must be a positive integer';
  return {
    dimensions,
    metrics: metrics as TrafficMetric[],
    filters: filters as Filter[],
    sortBys: sortBys as ReportBody['sortBys'],
    limit: limit as number | undefined,
  };
}

/** The CP codes the filters keep (IN_LIST / EQUAL on cpcode); undefined: all of the account. */
export function cpCodesOf(filters: readonly Filter[]): number[] | undefined {
  const kept = filters.filter(
    (f) => f.dimensionName === 'cpcode' && (f.operator === 'IN_LIST' || f.operator === 'EQUAL'),
  );
  if (kept.length === 0) return undefined;
  return [...new Set(kept.flatMap((f) => f.expressions.map(Number)))];
}

export function timeStepOf(dimensions: readonly string[]): number | undefined {
  const time = dimensions.find((d) => d in TIME_DIMENSIONS);
  return time === undefined ? undefined : TIME_DIMENSIONS[time];
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
