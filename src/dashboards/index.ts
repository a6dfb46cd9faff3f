import { cdnStatusCodesDashboard } from './cdnStatusCodes';
import { collectorHealthDashboard } from './collectorHealth';
import { deviceTelemetryDashboard } from './deviceTelemetry';
import type { Dashboard } from './model';

/** File name (in dashboards/) → dashboard. */
export function allDashboards(): Record<string, Dashboard> {
  return {
    'cdn-status-codes.json': cdnStatusCodesDashboard(),
    'device-telemetry.json': deviceTelemetryDashboard(),
    'collector-health.json': collectorHealthDashboard(),
  };
}

export function renderDashboard(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
