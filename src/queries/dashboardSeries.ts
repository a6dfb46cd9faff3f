import { JANITOR_RECORDED, RUN_HEALTH_RECORDED } from './collectors';
import { ESTATS_RECORDED } from './estats';
import type { RecordedSeries } from './recorded';
import { SYNTHETIC_RECORDED } from './synthetic';
import { TRAFFIC_RECORDED } from './traffic';

/**
 * Every recorded freshest copy of the catalogue (what the dashboards and alerts read). The
 * rules record each once: with the alerts that read it, or else in the group of series only
 * dashboards read.
 */
export const DASHBOARD_SERIES: readonly RecordedSeries[] = [
  ...Object.values(ESTATS_RECORDED),
  ...Object.values(SYNTHETIC_RECORDED),
  ...Object.values(TRAFFIC_RECORDED),
  ...Object.values(RUN_HEALTH_RECORDED),
  ...Object.values(JANITOR_RECORDED),
];
