import { SLO_ALERTS } from '../alerting/rules/slo';
import type { AlertPanel } from '../alerting/slackTemplate';
import { ConfigurationError } from '../shared/errors';
import { cdnSlosDashboard } from './cdnSlos';
import { cdnStatusCodesDashboard } from './cdnStatusCodes';
import { cdnTrafficDashboard } from './cdnTraffic';
import { collectorHealthDashboard } from './collectorHealth';
import { deviceTelemetryDashboard } from './deviceTelemetry';
import { fetchedTelemetryDashboard } from './fetchedTelemetry';
import { type Dashboard, panelsOf } from './model';

const CDN = { dashboard: cdnStatusCodesDashboard, variables: ['cp_code', 'url', 'delivery'] };
const TRAFFIC = { dashboard: cdnTrafficDashboard, variables: ['cp_code'] };
const SLO = { dashboard: cdnSlosDashboard, variables: ['slo', 'cp_code', 'url'] };
const DEVICES = { dashboard: deviceTelemetryDashboard, variables: ['fleet', 'device', 'port'] };
const HEALTH = { dashboard: collectorHealthDashboard, variables: [] };
const FETCHED = { dashboard: fetchedTelemetryDashboard, variables: ['job', 'instance'] };

/** Each alert's panel, by title: a renamed or removed panel fails the build, not the link. */
const PANELS: Record<string, { dashboard: () => Dashboard; variables: string[]; panel: string }> = {
  AkamaiEdge5xxRatioHigh: { ...CDN, panel: 'Edge status-class mix' },
  AkamaiEdgeFailureRatioHigh: { ...CDN, panel: 'Failure ratio' },
  AkamaiOriginFailureRatioHigh: { ...CDN, panel: 'Origin status-class mix' },
  AkamaiTrafficVanished: { ...CDN, panel: 'Hits per sample' },
  AkamaiEstatsTargetFailing: { ...CDN, panel: 'Targets reporting' },
  AkamaiEstatsSampleStale: { ...CDN, panel: 'Sample age' },
  AkamaiTrafficOffloadLow: { ...TRAFFIC, panel: 'Hit offload' },
  AkamaiTrafficOriginSurge: { ...TRAFFIC, panel: 'Origin hits per second' },
  AkamaiTrafficDataStale: { ...TRAFFIC, panel: 'Data age' },
  AkamaiTrafficTargetFailing: { ...TRAFFIC, panel: 'CP codes reporting' },
  [SLO_ALERTS.page]: { ...SLO, panel: 'Burn rate: page windows (1 h, 6 h)' },
  [SLO_ALERTS.ticket]: { ...SLO, panel: 'Burn rate: ticket windows (1 d, 3 d)' },
  CollectorGroupStale: { ...HEALTH, panel: 'Age of the last push per group' },
  CollectorGroupMissing: { ...HEALTH, panel: 'Since last full success' },
  CollectorSuccessStale: { ...HEALTH, panel: 'Since last full success' },
  CollectorSilent: { ...HEALTH, panel: 'Since last full success' },
  CollectorPushFailing: { ...HEALTH, panel: 'Push failing (1 = last push refused)' },
  CollectorPushgatewayMissedGroups: { ...HEALTH, panel: 'Groups each Pushgateway missed' },
  CollectorRunsOutgrowInterval: { ...HEALTH, panel: 'Run duration against the interval' },
  PushgatewayDown: { ...HEALTH, panel: 'Pushgateway up' },
  PushgatewaysAllDown: { ...HEALTH, panel: 'Pushgateway up' },
  PushgatewayGroupsExpired: { ...HEALTH, panel: 'Groups deleted by the janitor' },
  SyntheticPortLinkDown: { ...DEVICES, panel: 'Link state' },
  SyntheticPortBufferNearCapacity: { ...DEVICES, panel: 'Buffer fill' },
  SyntheticPortNoTraffic: { ...DEVICES, panel: 'Packets per second' },
  SyntheticDeviceRebooted: { ...DEVICES, panel: 'Uptime' },
  ScrapeTargetDown: { ...FETCHED, panel: 'Targets up' },
  ScrapeTargetSlow: { ...FETCHED, panel: 'Fetch time against the timeout' },
  ScrapeSampleLimitExceeded: { ...FETCHED, panel: 'Samples against the limit' },
};

/** The panel of each named alert; an alert without one, or a panel that is gone, throws. */
export function alertPanels(alerts: readonly string[]): Record<string, AlertPanel> {
  const dashboards = new Map<() => Dashboard, Dashboard>();
  return Object.fromEntries(
    alerts.map((alert) => {
      const entry = PANELS[alert];
      if (!entry) {
        throw new ConfigurationError(`alert ${alert} has no dashboard panel for its Slack link`, {
          hint: 'add it to src/dashboards/alertPanels.ts',
        });
      }
      const dashboard = dashboards.get(entry.dashboard) ?? entry.dashboard();
      dashboards.set(entry.dashboard, dashboard);
      const panel = panelsOf(dashboard).find((p) => p.title === entry.panel);
      const known = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
      const unknown = entry.variables.filter((v) => !known.has(v));
      if (!panel?.id || !dashboard.uid || unknown.length > 0) {
        throw new ConfigurationError(
          `alert ${alert}: dashboard ${dashboard.uid} has ${panel ? `no variable ${unknown.join(', ')}` : `no panel "${entry.panel}"`}`,
          { hint: 'fix src/dashboards/alertPanels.ts' },
        );
      }
      return [
        alert,
        {
          uid: dashboard.uid,
          panelId: panel.id,
          title: entry.panel,
          variables: entry.variables,
        },
      ];
    }),
  );
}
