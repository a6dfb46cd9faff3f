import * as z from 'zod/mini';
import '../shared/zod';
import { describeIssues } from '../shared/validation';
import { TrafficError } from './errors';

/**
 * Akamai's Reporting API v2 report `delivery/traffic/current` as this collector asks it:
 * edge and origin hits and bytes per CP code and 5-minute bucket (`time5minutes`), for a list
 * of CP codes (an `IN_LIST` filter on `cpcode`) over [start, end). One request covers many CP
 * codes and buckets; its rows are CP codes × buckets, which the query cost counts.
 */
export const TRAFFIC_REPORT_PATH = '/reporting-api/v2/reports/delivery/traffic/current/data';

/** The width of a bucket: the report's `time5minutes` dimension. */
export const BUCKET_SECONDS = 300;

/** The report's metrics this collector reads. */
const METRICS = ['edgeHitsSum', 'edgeBytesSum', 'originHitsSum', 'originBytesSum'] as const;

/** One request: CP codes over whole buckets, [startSec, endSec). */
export interface TrafficWindow {
  cpCodes: readonly number[];
  startSec: number;
  endSec: number;
}

/** One row of the report: a CP code's traffic in the bucket starting at `startSec`. */
export interface TrafficRow {
  cpCode: number;
  startSec: number;
  edgeHits: number;
  edgeBytes: number;
  originHits: number;
  originBytes: number;
}

/** The rows one request costs (CP codes × buckets): what the query cost and `limit` count. */
export function rowsOf(window: TrafficWindow): number {
  return window.cpCodes.length * ((window.endSec - window.startSec) / BUCKET_SECONDS);
}

/** The query (the time range, the account) and the body of a window's request. */
export function reportRequest(
  window: TrafficWindow,
  accountSwitchKey: string | undefined,
): { query: Record<string, string>; body: string } {
  const iso = (sec: number) => new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
  return {
    query: {
      start: iso(window.startSec),
      end: iso(window.endSec),
      ...(accountSwitchKey ? { accountSwitchKey } : {}),
    },
    body: JSON.stringify({
      dimensions: ['time5minutes', 'cpcode'],
      metrics: METRICS,
      filters: [
        {
          dimensionName: 'cpcode',
          operator: 'IN_LIST',
          expressions: window.cpCodes.map(String),
        },
      ],
      sortBys: [{ name: 'time5minutes', sortOrder: 'ASCENDING' }],
      // Room for every row the window can have: an answer that still says it has more is split.
      limit: rowsOf(window),
    }),
  };
}

/** LONG metrics arrive as JSON numbers; a numeric string is taken too. */
const count = z.pipe(
  z.union([z.number(), z.string().check(z.regex(/^\d+(\.\d+)?$/))]),
  z.transform((value) => Number(value)),
);

const answerSchema = z.looseObject({
  metadata: z.looseObject({ hasMoreData: z.optional(z.boolean()) }),
  data: z.array(
    z.looseObject({
      time5minutes: z.pipe(
        z.union([z.int(), z.string().check(z.regex(/^\d+$/))]),
        z.transform((value) => Number(value)),
      ),
      cpcode: z.union([z.string().check(z.regex(/^\d+$/)), z.int()]),
      edgeHitsSum: z.optional(count),
      edgeBytesSum: z.optional(count),
      originHitsSum: z.optional(count),
      originBytesSum: z.optional(count),
    }),
  ),
});

/** The rows of a 200 answer, and whether Akamai left rows out (`metadata.hasMoreData`). */
export function parseReportAnswer(
  body: string,
  what: string,
): { rows: TrafficRow[]; hasMoreData: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new TrafficError(
      `traffic report for ${what}: answer is not JSON (starts with ${JSON.stringify(body.slice(0, 80))})`,
      {
        reason: 'malformed_answer',
        hint: 'a proxy or captive portal may be answering instead of Akamai; nothing was pushed for these CP codes',
      },
    );
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success)
    throw new TrafficError(
      `traffic report for ${what}: unexpected answer: ${describeIssues(parsed.error)}`,
      {
        reason: 'invalid_answer',
        hint: 'the Reporting API changed or answered something else; nothing was pushed for these CP codes',
      },
    );
  const misaligned = parsed.data.data.find((row) => row.time5minutes % BUCKET_SECONDS !== 0);
  if (misaligned)
    throw new TrafficError(
      `traffic report for ${what}: a row's time5minutes ${misaligned.time5minutes} is not on a 5-minute boundary`,
      { reason: 'invalid_answer', hint: 'nothing was pushed for these CP codes' },
    );
  return {
    rows: parsed.data.data.map((row) => ({
      cpCode: Number(row.cpcode),
      startSec: row.time5minutes,
      // A metric Akamai leaves out of a row had nothing to count.
      edgeHits: row.edgeHitsSum ?? 0,
      edgeBytes: row.edgeBytesSum ?? 0,
      originHits: row.originHitsSum ?? 0,
      originBytes: row.originBytesSum ?? 0,
    })),
    hasMoreData: parsed.data.metadata.hasMoreData ?? false,
  };
}
