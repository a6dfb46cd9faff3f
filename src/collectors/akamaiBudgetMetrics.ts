import type { BudgetReport } from '../akamai/rateBudget';
import { COLLECTOR, LABEL } from '../metrics/catalogue';
import type { PushMetrics } from '../metrics/registry';

/**
 * What a run saw of an Akamai budget, in its health group, labelled with the API client: the
 * limit, the lowest remaining, the time waited, the requests and the 429s. eStats reports each
 * client's budget (per client), traffic its account's share (per account, by its client).
 */
export function addAkamaiBudgetMetrics(
  metrics: PushMetrics,
  client: string,
  seen: Pick<
    BudgetReport,
    'limit' | 'lowestRemaining' | 'waitedSeconds' | 'requests' | 'throttled'
  >,
): void {
  const labels = { [LABEL.akamaiClient]: client };
  if (seen.limit !== undefined) metrics.family(COLLECTOR.akamaiRateLimit).set(labels, seen.limit);
  if (seen.lowestRemaining !== undefined)
    metrics.family(COLLECTOR.akamaiRateRemaining).set(labels, seen.lowestRemaining);
  metrics.family(COLLECTOR.akamaiRateWait).set(labels, seen.waitedSeconds);
  metrics.family(COLLECTOR.akamaiRequests).set(labels, seen.requests);
  metrics.family(COLLECTOR.akamaiThrottled).set(labels, seen.throttled);
}
