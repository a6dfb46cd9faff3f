import type * as grafana from '@grafana/grafana-foundation-sdk/dashboard';
import type { dataquery as PrometheusQuery } from '@grafana/grafana-foundation-sdk/prometheus';

/** The dashboard JSON model, as grafana-foundation-sdk types it. */
export type Dashboard = grafana.Dashboard;
export type Variable = grafana.VariableModel;
export type Panel = grafana.Panel;

/** The panels of a dashboard, rows left out. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).filter((p): p is Panel => p.type !== 'row');
}

/** The Prometheus queries of a panel. */
export function queriesOf(panel: Panel): PrometheusQuery[] {
  return (panel.targets ?? []) as PrometheusQuery[];
}
