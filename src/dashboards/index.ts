import { cdnSlosDashboard } from './cdnSlos';
import { cdnStatusCodesDashboard } from './cdnStatusCodes';
import { cdnTrafficDashboard } from './cdnTraffic';
import { collectorHealthDashboard } from './collectorHealth';
import { deviceTelemetryDashboard } from './deviceTelemetry';
import { fetchedTelemetryDashboard } from './fetchedTelemetry';
import type { Dashboard } from './model';
import { SLO_ALERTS } from '../alerting/rules/slo';
import { unknownAlertNames } from '../alerting/validate';
import { ConfigurationError } from '../shared/errors';

/**
 * File name (in dashboards/) → dashboard; an annotation naming none of `shippedAlerts` (the
 * default stage's alerts, deploy/alertingFiles.ts) fails the build.
 */
export function allDashboards(shippedAlerts: readonly string[]): Record<string, Dashboard> {
  const dashboards = {
    'cdn-status-codes.json': cdnStatusCodesDashboard(),
    'cdn-traffic.json': cdnTrafficDashboard(),
    'cdn-slos.json': cdnSlosDashboard(),
    'device-telemetry.json': deviceTelemetryDashboard(),
    'fetched-telemetry.json': fetchedTelemetryDashboard(),
    'collector-health.json': collectorHealthDashboard(),
  };
  // The SLO alerts exist in every stage that declares an SLO.
  const alertNames = new Set([...shippedAlerts, ...Object.values(SLO_ALERTS)]);
  for (const [file, dashboard] of Object.entries(dashboards)) {
    for (const annotation of (dashboard.annotations?.list ?? []) as Array<{
      name?: string;
      expr?: string;
    }>) {
      const pattern = /alertname=~"([^"]*)"/.exec(annotation.expr ?? '')?.[1];
      if (pattern === undefined) continue;
      const unknown = unknownAlertNames('=~', pattern, alertNames);
      if (unknown.length > 0) {
        throw new ConfigurationError(
          `dashboard ${file}: annotation "${annotation.name}" names no shipped alert: ${unknown.join(', ')}`,
          { hint: 'rename it after the alert in src/alerting/rules, or remove it' },
        );
      }
    }
  }
  return dashboards;
}

export function renderDashboard(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
