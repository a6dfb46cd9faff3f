import { randomUUID } from 'node:crypto';
import { RateLimiter } from './rateLimit';
import {
  cpCodesOf,
  QUERY_PARAMS,
  type ReportBody,
  RETENTION_MS,
  TIME_DIMENSIONS,
  TRAFFIC_METRICS,
  type TrafficMetric,
  timeStepOf,
  validateBody,
} from './reportingRequest';
import { hashNumber, seededRandom, trafficLevel } from './traffic';

/**
 * Akamai's Reporting API v2 report `delivery/traffic/current` (techdocs "delivery/traffic/
 * current", "API workflow", "Use filters", "Rate limiting", "Errors"), as the traffic collector
 * uses it: `POST …/data?start=…&end=…` with a JSON body of dimensions, metrics, filters,
 * sortBys and a row limit, answered with `metadata` and `data` rows. What it checks, as the
 * service does:
 *
 * - **the body and the time range:** known dimensions (one time dimension at most) and metrics,
 *   filters as `{dimensionName, operator, expressions}`, start and end aligned to the time
 *   dimension's interval, end after start, no older than the report's 92 days (400);
 * - **authorization:** CP codes are authorizable objects. A filter naming CP codes outside the
 *   account is refused whole, naming them (403 `unauthorized-objects`);
 * - **the query cost:** CP codes × buckets over the limit is refused (422
 *   `query-cost-exceeded`); the row limit truncates an answer (`metadata.hasMoreData`);
 * - **the count-based rate limit:** per account (the accountSwitchKey's, else the API client's
 *   own) and per endpoint, shared by every API client of the account. Every answer carries the
 *   `akamai-sync-ratelimit-*` headers; once spent, 429 until the next refill.
 *
 * Its data is a model consistent with the eStats stand-in (traffic.ts, the same traffic level
 * per CP code): edge, midgress and origin hits and bytes per 5-minute bucket. A bucket appears
 * `firstDataAfterMs` after it ends and grows until `finalAfterMs`, when it holds its final
 * values (`finalTrafficRow`): Akamai documents that data newer than 15 minutes is not
 * guaranteed. The asynchronous mode (`async=true`, 303 and `queries/{id}`) is not served: the
 * collector asks synchronously, sized to fit one answer.
 */
export const TRAFFIC_REPORT_PATH = '/reporting-api/v2/reports/delivery/traffic/current/data';

export interface ReportingOptions {
  /** The count-based limit: requests a minute per account to this report. */
  requestsPerMinute?: number;
  /** The window the limit counts over; tests shrink it. */
  windowMs?: number;
  /** The most rows (CP codes × buckets) one request may cost before a 422. */
  maxQueryCost?: number;
  /** The most rows one answer holds; a body's `limit` may ask for fewer. */
  maxRows?: number;
  /** How long after its end a bucket first shows data, and when its data is final. */
  firstDataAfterMs?: number;
  finalAfterMs?: number;
  /** The limiter to spend instead of one of its own (several stand-ins, one account). */
  rateLimiter?: RateLimiter;
  /**
   * The clock of the data (which buckets exist and are final), when it is not the server's:
   * a test replays hours of runs in seconds, while signatures and the rate limit keep real
   * time.
   */
  dataNow?: () => number;
}

export const REPORTING_DEFAULTS = {
  requestsPerMinute: 120,
  windowMs: 60_000,
  maxQueryCost: 20_000,
  maxRows: 50_000,
  firstDataAfterMs: 5 * 60_000,
  finalAfterMs: 15 * 60_000,
} as const;

/** What a test or `npm start` makes of one CP code's traffic (an origin surge). */
export interface TrafficBehaviour {
  /** Share of edge hits that go to the origin, instead of the model's 20 to 30 %. */
  originShare?: number;
}

export interface ReportingAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  type: string;
}

export class TrafficReport {
  private readonly settings: Required<Omit<ReportingOptions, 'rateLimiter' | 'dataNow'>>;
  private readonly dataNow: () => number;
  private readonly limiter: RateLimiter;
  readonly behaviours = new Map<number, TrafficBehaviour>();
  /** Scripted answers for the next requests, before any check but the signature. */
  readonly queued: Array<{ status: number; detail?: string }> = [];

  constructor(
    options: ReportingOptions,
    private readonly now: () => number,
    /** The CP codes of each account (by accountSwitchKey, '' for the client's own); none: any. */
    private readonly accounts: ReadonlyMap<string, ReadonlyArray<{ cpcodeId: number }>> | undefined,
  ) {
    const { rateLimiter: _limiter, dataNow, ...limits } = options;
    this.settings = { ...REPORTING_DEFAULTS, ...withoutUndefined(limits) };
    this.dataNow = dataNow ?? now;
    this.limiter =
      options.rateLimiter ??
      new RateLimiter({
        limit: this.settings.requestsPerMinute,
        windowMs: this.settings.windowMs,
        now,
      });
  }

  /** One signed request of the report: its method, query and raw body. */
  answer(method: string, query: Record<string, string>, rawBody: string): ReportingAnswer {
    if (method !== 'POST') return problem(405, 'method-not-allowed', 'Method not allowed', method);
    const account = query.accountSwitchKey ?? '';
    const taken = this.limiter.take(`reporting:${account}`);
    const headers = rateHeaders(taken.bucket);
    if (!taken.allowed)
      return problem(
        429,
        'too-many-requests',
        'Too many requests',
        'You have exceeded the rate limit of this report for the account',
        { ...headers, 'retry-after': String(taken.retryAfterSeconds) },
      );
    const scripted = this.queued.shift();
    if (scripted)
      return problem(
        scripted.status,
        'simulated',
        'Simulated error',
        scripted.detail ?? '',
        headers,
      );
    const request = this.parse(query, rawBody);
    if ('status' in request) return { ...request, headers: { ...request.headers, ...headers } };
    const known = this.accounts?.get(account);
    if (this.accounts && !known)
      return problem(
        403,
        'forbidden',
        'Forbidden',
        `The account switch key ${account} is not valid for this client`,
        headers,
      );
    const accountCodes = known?.map((cp) => cp.cpcodeId);
    const asked = cpCodesOf(request.body.filters);
    if (asked && accountCodes) {
      const unauthorized = asked.filter((code) => !accountCodes.includes(code));
      if (unauthorized.length > 0)
        return problem(
          403,
          'unauthorized-objects',
          'Unauthorized objects',
          `Some of the requested objects are unauthorized: [${unauthorized.join(', ')}]`,
          headers,
        );
    }
    const codes = asked ?? accountCodes ?? [];
    const step = timeStepOf(request.body.dimensions);
    const buckets = step === undefined ? 1 : (request.end - request.start) / step;
    const cost = codes.length * buckets;
    if (cost > this.settings.maxQueryCost)
      return problem(
        422,
        'query-cost-exceeded',
        'Query cost exceeded',
        'Exceeded limit of maximum query cost',
        headers,
      );
    return {
      status: 200,
      type: 'application/json',
      headers,
      body: this.report(request, codes, step),
    };
  }

  /** The final values of one CP code's bucket starting at `startMs` (what a run must push). */
  finalRow(cpcode: number, startMs: number): Record<TrafficMetric, number> {
    return trafficValues(cpcode, startMs, this.behaviours.get(cpcode), 1);
  }

  private report(
    request: { start: number; end: number; body: ReportBody },
    codes: readonly number[],
    step: number | undefined,
  ) {
    const { body } = request;
    const timeDimension = body.dimensions.find((d) => d in TIME_DIMENSIONS);
    const byCode = body.dimensions.includes('cpcode');
    const rows: Array<Record<string, string | number>> = [];
    const starts: number[] = [];
    if (step === undefined) starts.push(request.start);
    else for (let t = request.start; t < request.end; t += step) starts.push(t);
    for (const start of starts) {
      const bucketEnd = step === undefined ? request.end : start + step;
      const age = this.dataNow() - bucketEnd;
      if (age < this.settings.firstDataAfterMs) continue;
      const completeness =
        age >= this.settings.finalAfterMs
          ? 1
          : 0.6 +
            (0.4 * (age - this.settings.firstDataAfterMs)) /
              (this.settings.finalAfterMs - this.settings.firstDataAfterMs);
      const perCode = codes.map((code) => ({
        code,
        values: sumOver(
          code,
          start,
          step ?? request.end - request.start,
          this.behaviours.get(code),
          completeness,
        ),
      }));
      const groups = byCode
        ? perCode
        : [{ code: undefined, values: addUp(perCode.map((p) => p.values)) }];
      for (const { code, values } of groups) {
        const row: Record<string, string | number> = {};
        if (timeDimension) row[timeDimension] = Math.floor(start / 1000);
        if (code !== undefined) row.cpcode = String(code);
        for (const metric of body.metrics) row[metric] = values[metric];
        rows.push(row);
      }
    }
    for (const sort of [...body.sortBys].reverse())
      rows.sort((a, b) => {
        const order = compare(a[sort.name], b[sort.name]);
        return sort.sortOrder === 'DESCENDING' ? -order : order;
      });
    const limit = Math.min(body.limit ?? this.settings.maxRows, this.settings.maxRows);
    const data = rows.slice(0, limit);
    return {
      metadata: {
        name: 'delivery/traffic/current',
        start: new Date(request.start).toISOString().replace('.000Z', 'Z'),
        end: new Date(request.end).toISOString().replace('.000Z', 'Z'),
        dimensions: body.dimensions,
        metrics: body.metrics,
        filters: body.filters,
        sortBys: body.sortBys,
        limit,
        rowCount: data.length,
        hasMoreData: rows.length > data.length,
      },
      data,
      summaryStatistics: {},
    };
  }

  private parse(
    query: Record<string, string>,
    rawBody: string,
  ): { start: number; end: number; body: ReportBody } | ReportingAnswer {
    const bad = (detail: string) => problem(400, 'bad-request', 'Bad request', detail);
    const unknown = Object.keys(query).filter((name) => !QUERY_PARAMS.has(name));
    if (unknown.length > 0) return bad(`Unknown query parameter(s): ${unknown.join(', ')}`);
    let json: unknown;
    try {
      json = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
    } catch {
      return bad('Request body is not valid JSON');
    }
    const invalid = validateBody(json);
    if (typeof invalid === 'string') return bad(invalid);
    const body = invalid;
    if (query.start === undefined || query.end === undefined)
      return bad('Both start and end are required');
    const start = Date.parse(query.start);
    const end = Date.parse(query.end);
    if (Number.isNaN(start) || Number.isNaN(end))
      return bad('start and end must be ISO 8601 timestamps');
    if (end <= start) return bad('end must be after start');
    if (start < this.dataNow() - RETENTION_MS)
      return bad('start is older than the 92 days of data this report holds');
    if (start >= this.dataNow()) return bad('start must be before the current time');
    const step = timeStepOf(body.dimensions);
    if (step !== undefined && (start % step !== 0 || end % step !== 0))
      return bad(
        `start and end must be multiples of the time dimension's ${step / 60_000} minutes`,
      );
    return { start, end, body };
  }
}

/** One CP code's modelled traffic in a 5-minute bucket, at a share of its final values. */
function trafficValues(
  cpcode: number,
  startMs: number,
  behaviour: TrafficBehaviour | undefined,
  completeness: number,
): Record<TrafficMetric, number> {
  const key = `cp:${cpcode}`;
  const random = seededRandom(`traffic|${key}|${startMs}`);
  // An eStats answer covers about ten seconds: thirty of them make a bucket.
  const finalEdgeHits = Math.round(
    trafficLevel(key, new Date(startMs + 150_000)) * 30 * (0.9 + 0.2 * random()),
  );
  const originShare = behaviour?.originShare ?? 0.2 + 0.1 * random();
  const midgressShare = 0.03 + 0.04 * random();
  const objectBytes = 20_000 + (hashNumber(`size|${key}`) % 2_000_000);
  const requestBytes = 600;
  const scale = (n: number) => Math.round(n * completeness);
  const edgeHits = scale(finalEdgeHits);
  const originHits = scale(finalEdgeHits * originShare);
  const midgressHits = scale(finalEdgeHits * midgressShare);
  const edgeResponseBytes = edgeHits * objectBytes;
  const originResponseBytes = originHits * objectBytes;
  const midgressBytes = midgressHits * (objectBytes + requestBytes);
  return {
    edgeHitsSum: edgeHits,
    edgeResponseBytesSum: edgeResponseBytes,
    edgeRequestBytesSum: edgeHits * requestBytes,
    edgeBytesSum: edgeResponseBytes + edgeHits * requestBytes,
    midgressHitsSum: midgressHits,
    midgressBytesSum: midgressBytes,
    originHitsSum: originHits,
    originResponseBytesSum: originResponseBytes,
    originRequestBytesSum: originHits * requestBytes,
    originBytesSum: originResponseBytes + originHits * requestBytes,
  };
}

/** A CP code's traffic over [start, start + span): its 5-minute buckets added up. */
function sumOver(
  cpcode: number,
  start: number,
  span: number,
  behaviour: TrafficBehaviour | undefined,
  completeness: number,
): Record<TrafficMetric, number> {
  const step = TIME_DIMENSIONS.time5minutes as number;
  const parts: Array<Record<TrafficMetric, number>> = [];
  for (let t = start; t < start + span; t += step)
    parts.push(trafficValues(cpcode, t, behaviour, completeness));
  return addUp(parts);
}

function addUp(parts: ReadonlyArray<Record<TrafficMetric, number>>): Record<TrafficMetric, number> {
  const total = Object.fromEntries(TRAFFIC_METRICS.map((m) => [m, 0])) as Record<
    TrafficMetric,
    number
  >;
  for (const part of parts) for (const metric of TRAFFIC_METRICS) total[metric] += part[metric];
  return total;
}

function rateHeaders(bucket: {
  limit: number;
  remaining: number;
  nextAtMs: number;
  fullAtMs: number;
}): Record<string, string> {
  return {
    'akamai-sync-ratelimit-limit': String(bucket.limit),
    'akamai-sync-ratelimit-remaining': String(bucket.remaining),
    'akamai-sync-ratelimit-refill': '1',
    'akamai-sync-ratelimit-next': new Date(bucket.nextAtMs).toISOString(),
    'akamai-sync-ratelimit-reset': new Date(bucket.fullAtMs).toISOString(),
  };
}

/** The Reporting API's error body (techdocs "Errors": type, title, status, detail, problemId). */
function problem(
  status: number,
  type: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): ReportingAnswer {
  return {
    status,
    type: 'application/problem+json',
    headers,
    body: {
      type: `/reporting-api/error-types/${type}`,
      title,
      status,
      detail,
      problemId: randomUUID(),
    },
  };
}

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
