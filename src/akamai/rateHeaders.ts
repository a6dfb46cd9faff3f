import type * as http from 'node:http';
import { headerValue } from '../shared/http';

/** Akamai's rate-limit headers as the budget reads them (akamai/rateBudget.ts). */

/** A header holding a whole number, or undefined (absent, or anything else). */
export function integerHeader(headers: http.IncomingHttpHeaders, name: string): number | undefined {
  const value = headerValue(headers, name);
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/** X-RateLimit-Next (an ISO time), else Retry-After (seconds), as clock time. */
export function nextAllowedAt(headers: http.IncomingHttpHeaders, now: number): number | undefined {
  const next = headerValue(headers, 'x-ratelimit-next');
  const nextMs = next === undefined ? Number.NaN : Date.parse(next);
  if (!Number.isNaN(nextMs)) return nextMs;
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()))
    return now + Number(retryAfter.trim()) * 1000;
  return undefined;
}
