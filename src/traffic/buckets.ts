import { BUCKET_SECONDS, type TrafficRow } from './report';

/** One CP code's traffic in one 5-minute bucket, named by its end (Unix seconds). */
export interface TrafficBucket {
  endSec: number;
  edgeHits: number;
  edgeBytes: number;
  originHits: number;
  originBytes: number;
}

/**
 * Each CP code's buckets after its own `afterSec` up to `newestEndSec`, oldest first, from
 * the rows of its requests. Only final buckets are ever asked for, so a bucket Akamai sent no
 * row for had no traffic: it is written as zero, not left as a hole.
 */
export function bucketsByCpCode(
  rows: readonly TrafficRow[],
  wanted: ReadonlyMap<number, { afterSec: number }>,
  newestEndSec: number,
): Map<number, TrafficBucket[]> {
  const byKey = new Map<string, TrafficRow>();
  for (const row of rows) byKey.set(`${row.cpCode}@${row.startSec + BUCKET_SECONDS}`, row);
  const result = new Map<number, TrafficBucket[]>();
  for (const [cpCode, { afterSec }] of wanted) {
    const buckets: TrafficBucket[] = [];
    for (let endSec = afterSec + BUCKET_SECONDS; endSec <= newestEndSec; endSec += BUCKET_SECONDS) {
      const row = byKey.get(`${cpCode}@${endSec}`);
      buckets.push({
        endSec,
        edgeHits: row?.edgeHits ?? 0,
        edgeBytes: row?.edgeBytes ?? 0,
        originHits: row?.originHits ?? 0,
        originBytes: row?.originBytes ?? 0,
      });
    }
    result.set(cpCode, buckets);
  }
  return result;
}

/** Share served without the origin (0-1); undefined when the edge saw nothing. */
export function offload(edge: number, origin: number): number | undefined {
  if (edge <= 0) return undefined;
  return Math.min(1, Math.max(0, 1 - origin / edge));
}
