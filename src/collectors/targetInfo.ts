import type { EstatsTarget } from '../akamai/targets';
import { ESTATS, LABEL } from '../metrics/catalogue';
import type { PushMetrics } from '../metrics/registry';

/**
 * A named target's group carries `akamai_estats_target_info{name}` (value 1), after
 * Prometheus's info-metric convention: dashboards and alert texts join it on the target's
 * labels to show "CP code 424242 (shop-images)", and the data series never carry the name,
 * so a rename starts no new series. Pushed with the group on success and failure alike, so
 * the name is there when an alert says the target fails, and deleted with the group.
 */
export function withTargetInfo(metrics: PushMetrics, target: EstatsTarget): PushMetrics {
  if (target.name) metrics.family(ESTATS.targetInfo).set({ [LABEL.targetName]: target.name }, 1);
  return metrics;
}
