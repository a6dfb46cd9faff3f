import type { DeliveredState } from './state';
import { BUCKET_SECONDS, type TrafficWindow } from './report';

export interface TrafficPlanSettings {
  /** How long after its end a bucket is final (Akamai: data newer than 15 minutes may grow). */
  finalLagSeconds: number;
  /** How far back a run fills what an outage missed. */
  backfillSeconds: number;
}

/** What one run fetches and writes. */
export interface TrafficPlan {
  /** End of the newest final bucket (Unix seconds): the newest any CP code gets. */
  newestEndSec: number;
  /** Each CP code with buckets to write: they start after `afterSec`. */
  wanted: Map<number, { afterSec: number }>;
  /** CP codes with nothing new (a repeated delivery): already delivered up to the newest. */
  current: number[];
  /** The requests: CP codes that start at the same bucket share one (fetch.ts cuts it). */
  windows: TrafficWindow[];
  /** CP codes whose delivered state is older than the window: the buckets that stay missing. */
  unfilled: Map<number, { buckets: number; fromSec: number; untilSec: number }>;
}

/**
 * The run's buckets, from what each CP code was delivered up to:
 * - none yet (a new CP code, a first run, no state): the newest final bucket only;
 * - before the newest: every bucket after it, but not older than the backfill window; the
 *   buckets before the window are the gap that stays, and the plan names them;
 * - the newest already (the same tick delivered twice): nothing.
 */
export function planTraffic(
  cpCodes: readonly number[],
  state: DeliveredState | undefined,
  nowMs: number,
  settings: TrafficPlanSettings,
): TrafficPlan {
  const newestEndSec = alignDown(nowMs / 1000 - settings.finalLagSeconds);
  const oldestAfterSec = newestEndSec - alignDown(settings.backfillSeconds);
  const plan: TrafficPlan = {
    newestEndSec,
    wanted: new Map(),
    current: [],
    windows: [],
    unfilled: new Map(),
  };
  for (const cpCode of cpCodes) {
    const delivered = state?.delivered[String(cpCode)];
    if (delivered !== undefined && delivered >= newestEndSec) {
      plan.current.push(cpCode);
      continue;
    }
    let afterSec = delivered === undefined ? newestEndSec - BUCKET_SECONDS : alignDown(delivered);
    if (afterSec < oldestAfterSec) {
      plan.unfilled.set(cpCode, {
        buckets: (oldestAfterSec - afterSec) / BUCKET_SECONDS,
        fromSec: afterSec,
        untilSec: oldestAfterSec,
      });
      afterSec = oldestAfterSec;
    }
    plan.wanted.set(cpCode, { afterSec });
  }
  const byStart = new Map<number, number[]>();
  for (const [cpCode, { afterSec }] of plan.wanted) {
    const codes = byStart.get(afterSec);
    if (codes) codes.push(cpCode);
    else byStart.set(afterSec, [cpCode]);
  }
  for (const [startSec, codes] of [...byStart].sort(([a], [b]) => a - b))
    plan.windows.push({ cpCodes: codes, startSec, endSec: newestEndSec });
  return plan;
}

function alignDown(seconds: number): number {
  return Math.floor(seconds / BUCKET_SECONDS) * BUCKET_SECONDS;
}
