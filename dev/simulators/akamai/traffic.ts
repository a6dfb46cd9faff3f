import { createHash } from 'node:crypto';

/**
 * Realistic, time-varying eStats answers for the simulator: a daily traffic cycle with noise,
 * a status mix dominated by 200/304, a little 404, rare 5xx, and (on demand) an incident
 * where 5xx take over. Deterministic in (target, time): the same request in the same
 * 10-second bucket gets the same answer.
 */
export interface EstatsRequestBody {
  cpCode?: number;
  url?: string;
  delivery?: string;
  errorType?: string;
}

export interface TrafficOptions {
  /** Share of 5xx at the edge during an incident (0-1). */
  incident5xxRatio?: number;
}

const STATUS_MIX: ReadonlyArray<[number, number]> = [
  [200, 0.86],
  [206, 0.01],
  [304, 0.1],
  [404, 0.02],
  [403, 0.004],
  [500, 0.001],
  [503, 0.005],
];

export function simulateEstatsAnswer(
  request: EstatsRequestBody,
  now: Date,
  options: TrafficOptions = {},
): Record<string, unknown> {
  const key = request.cpCode !== undefined ? `cp:${request.cpCode}` : `url:${request.url}`;
  const random = seededRandom(`${key}|${Math.floor(now.getTime() / 10_000)}`);
  const edgeHits = Math.max(0, Math.round(trafficLevel(key, now) * (0.9 + 0.2 * random())));

  const incident = options.incident5xxRatio ?? 0;
  const edgeDistribution = distribute(edgeHits, incident, random);
  const edgeErrors = sumWhere(edgeDistribution, (code) => code >= 400);
  const originHits = Math.round(edgeHits * (0.2 + 0.1 * random()));
  const originDistribution = distribute(originHits, incident, random);
  const originErrors = sumWhere(originDistribution, (code) => code >= 500);

  const created = new Date(now.getTime() - 3_000);
  const result: Record<string, unknown> = {};
  if (request.errorType !== 'ORIGIN_ERRORS') {
    Object.assign(result, {
      edgeHits,
      edgeErrors,
      edgeFailurePercentage: percent(edgeErrors, edgeHits),
      edgeStatusCodeDistribution: shares(edgeDistribution, edgeHits),
      topEdgeIpsWithError: topIps(edgeDistribution, random, 'f', request.cpCode),
      topEdgeIpsWithSuccess: [],
    });
  }
  if (request.errorType !== 'EDGE_ERRORS') {
    Object.assign(result, {
      originHits,
      originErrors,
      originFailurePercentage: percent(originErrors, originHits),
      originStatusCodeDistribution: shares(originDistribution, originHits),
      topEdgeIpsWithErrorFromOrigin: topIps(originDistribution, random, 'r', request.cpCode),
      topEdgeIpsWithSuccessFromOrigin: [],
    });
  }
  return {
    request,
    requestId: 70000 + (hashNumber(`${key}|${now.getTime()}`) % 30000),
    createdBy: 'edgegrid-client',
    createdTime: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    completedTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    executionStatus: 'SUCCESS',
    result,
  };
}

/**
 * A target's edge hits in one eStats answer before noise: its own base (1,000 to 5,000) times
 * the daily cycle, peaking in the evening (UTC 19h) and lowest at night. The Reporting API's
 * traffic (reporting.ts) reads the same level, so both stand-ins tell of one estate.
 */
export function trafficLevel(key: string, at: Date): number {
  const hourOfDay = at.getUTCHours() + at.getUTCMinutes() / 60;
  const daily = 0.6 + 0.4 * Math.cos(((hourOfDay - 19) / 24) * 2 * Math.PI);
  return (1000 + (hashNumber(key) % 4000)) * daily;
}

function distribute(hits: number, incident5xx: number, random: () => number): Map<number, number> {
  const counts = new Map<number, number>();
  const spike = Math.round(hits * incident5xx);
  let left = hits - spike;
  // The minor statuses first, each around its share; 200 takes what is left, so a noisy
  // draw can never crowd out the errors a real property always has.
  for (const [code, share] of STATUS_MIX) {
    if (code === 200) continue;
    const n = Math.min(left, Math.round(hits * share * (1 - incident5xx) * (0.8 + 0.4 * random())));
    if (n > 0) counts.set(code, n);
    left -= n;
  }
  if (left > 0) counts.set(200, left);
  if (spike > 0) {
    counts.set(503, (counts.get(503) ?? 0) + Math.round(spike * 0.7));
    counts.set(502, (counts.get(502) ?? 0) + spike - Math.round(spike * 0.7));
  }
  return counts;
}

function shares(counts: Map<number, number>, total: number) {
  return [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([httpStatus, hits]) => ({ httpStatus, hits, percentage: percent(hits, total) }));
}

const EDGE_LOCATIONS = [
  { city: 'FRANKFURT', regionCode: 'HE', countryCode: 'DE', asNumber: 20940 },
  { city: 'AMSTERDAM', regionCode: 'NH', countryCode: 'NL', asNumber: 20940 },
  { city: 'ASHBURN', regionCode: 'VA', countryCode: 'US', asNumber: 16625 },
];

function topIps(
  counts: Map<number, number>,
  random: () => number,
  logType: 'f' | 'r',
  cpCode?: number,
) {
  const errors = [...counts.entries()].filter(
    ([code]) => code >= 500 || (logType === 'f' && code >= 400),
  );
  return errors.slice(0, 3).map(([httpStatus, hits], i) => {
    const edgeIp = `192.0.2.${10 + i * 7 + Math.floor(random() * 5)}`;
    return {
      edgeIp,
      httpStatus,
      hits: Math.max(1, Math.round(hits * 0.4)),
      errorCode: httpStatus >= 500 ? '4:ERR_CONNECT_FAIL' : '18:ACCESS_DENIED',
      logLinesCount: Math.max(1, Math.round(hits * 0.4)),
      objectStatus: [
        { code: 'p', description: 'Another hierarchy parent edge server was contacted' },
      ],
      edgeIpLocation: EDGE_LOCATIONS[i % EDGE_LOCATIONS.length],
      edgeLogsLink: `/edge-diagnostics/v1/grep?edgeIp=${edgeIp}${cpCode !== undefined ? `&cpCode=${cpCode}` : ''}&httpStatusCode=${httpStatus}&logType=${logType}`,
    };
  });
}

function sumWhere(counts: Map<number, number>, predicate: (code: number) => boolean): number {
  let sum = 0;
  for (const [code, n] of counts) if (predicate(code)) sum += n;
  return sum;
}

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10000) / 100 : 0;
}

export function hashNumber(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** mulberry32, seeded from a string. */
export function seededRandom(seed: string): () => number {
  let a = hashNumber(seed);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
