import { DEFAULT_MAX_RESPONSE_BYTES } from '../constants';
import { MemoryBudget } from '../shared/memoryBudget';

/**
 * What a scrape run may hold of the function's memory, and what each target costs of it.
 * The figures were measured on Node 24 with V8's limits as Lambda sets them (bench
 * `scrapememory`, docs/performance.md "Bounded memory"): a target of 50,000 samples raised
 * the peak RSS by about 75 MB, garbage included, so 1,500 bytes a sample.
 */

/** Bytes a kept sample costs from its parse to its delivery, garbage included. */
export const BYTES_PER_KEPT_SAMPLE = 1500;

/**
 * The share of the function's memory the targets of a run share. The rest is the runtime's,
 * the garbage V8 has not collected yet, and the overshoot of the oldest target (a budget
 * always lets it finish). At half, 8 targets at 10× the limit peaked at 249 MiB of 256.
 */
const BUDGET_SHARE = 0.35;
/** Left out of the budget first: the runtime and the bundle. */
const RUNTIME_BYTES = 32 * 1024 * 1024;
/** Used when the context names no memory size. */
const DEFAULT_FUNCTION_MEMORY_MB = 1024;

/** The budget of a function with `memoryMb` of memory (Lambda's context.memoryLimitInMB). */
export function scrapeMemoryBudget(memoryMb: number | undefined): MemoryBudget {
  const mb = memoryMb && memoryMb > 0 ? memoryMb : DEFAULT_FUNCTION_MEMORY_MB;
  const bytes = mb * 1024 * 1024;
  return new MemoryBudget(Math.max(16 * 1024 * 1024, bytes * BUDGET_SHARE - RUNTIME_BYTES));
}

/** Bytes a body may take per sample the limit allows: long label values and HELP included. */
const BODY_BYTES_PER_SAMPLE = 512;
const MIN_BODY_BYTES = 1024 * 1024;

/**
 * The largest body a target may answer (unpacked): `sampleLimit` samples of up to 512 bytes
 * each, at least 1 MiB, at most the 16 MiB every answer is held to.
 */
export function maxBodyBytes(sampleLimit: number): number {
  if (sampleLimit <= 0) return DEFAULT_MAX_RESPONSE_BYTES;
  return Math.min(
    DEFAULT_MAX_RESPONSE_BYTES,
    Math.max(MIN_BODY_BYTES, sampleLimit * BODY_BYTES_PER_SAMPLE),
  );
}

/**
 * What parsing a body will hold, asked of the budget before it starts: its lines, up to the
 * limit (no more are kept), at BYTES_PER_KEPT_SAMPLE each.
 */
export function parseBytes(body: string, sampleLimit: number): number {
  let lines = 0;
  for (let at = body.indexOf('\n'); at !== -1; at = body.indexOf('\n', at + 1)) lines++;
  const kept = sampleLimit > 0 ? Math.min(lines + 1, sampleLimit) : lines + 1;
  return kept * BYTES_PER_KEPT_SAMPLE;
}
