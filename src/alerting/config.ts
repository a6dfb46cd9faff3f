import type { Severity } from './types';

/**
 * The forms the export writes (README, "Use your own Prometheus"), one or several per stage:
 * - `prometheus`: rules.yml, a whole alertmanager.yml and templates/slack.tmpl;
 * - `alertmanager-snippet`: rules.yml and alertmanager-snippet.yml, a route and receivers to
 *   merge into an Alertmanager of your own (`npm run alerting:export -- --merge-into FILE`);
 * - `prometheus-operator`: a PrometheusRule manifest;
 * - `mimir`: a ruler namespace file of Mimir or Cortex (`mimirtool rules load`);
 * - `amp`: a rule groups namespace and an alert manager definition of Amazon Managed Service
 *   for Prometheus, with SNS receivers (the only kind AMP takes), put by the function.
 */
export const EXPORT_FORMATS = [
  'prometheus',
  'alertmanager-snippet',
  'prometheus-operator',
  'mimir',
  'amp',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The AMP workspace the exportAlerting function puts the rules and routes in. */
export interface AmpExportSettings {
  workspaceId: string;
  region: string;
  /** The SNS topic every receiver publishes to, unless `topics` names one for it. */
  snsTopicArn: string;
  /** Receiver (slack-critical, oncall-webhook, …) → its own topic. */
  topics: Record<string, string>;
}

export interface ExportSettings {
  formats: ExportFormat[];
  /**
   * The rules' namespace: the Mimir/Cortex ruler namespace, the AMP rule groups namespace,
   * the PrometheusRule's name, and the prefix of the receivers a snippet adds.
   */
  namespace: string;
  /** The PrometheusRule's namespace and the labels your Prometheus selects rules by. */
  kubernetes: { namespace: string; labels: Record<string, string> };
  amp?: AmpExportSettings;
}

/**
 * Everything a team tunes in alerting: thresholds, selectors, per-target overrides, channels.
 * Rule and route code read only this, so changing a threshold never means touching PromQL.
 * These are the defaults; a stage file's `alerting:` section overrides any of them
 * (settings.ts), so nobody edits this file to tune their alerts.
 */
export interface RatioThreshold {
  /** Fire above this ratio (0-1). */
  above: number;
  /** ...for this long (Prometheus duration). */
  for: string;
  severity: Severity;
}

export interface TargetOverride {
  /** Which target: a CP code or a URL, as pushed in the cp_code / url label. */
  cpCode?: number;
  url?: string;
  /** Replaces the default threshold for this target (one property is noisier than another). */
  above: number;
}

/**
 * One pair of windows of a multi-window burn-rate alert (Google SRE workbook, ch. 5): it fires
 * when both windows burn the error budget faster than `budgetConsumed` of the SLO window's
 * budget in the long window. For a 30-day SLO: 2 % in 1 h is a burn rate of 14.4.
 */
export interface BurnWindow {
  long: string;
  short: string;
  /** Share of the whole budget spent in the long window (0-1). */
  budgetConsumed: number;
}

export interface BurnRateAlert {
  severity: Severity;
  for: string;
  /** Either pair fires the alert. */
  windows: BurnWindow[];
}

export interface AlertingConfig {
  /** Base of every runbook_url; the page is docs/runbooks/<file>.md#<anchor>. */
  runbookBaseUrl: string;
  /** Alerts left out of the rules (and of the inhibit rules naming them). */
  disabledAlerts: string[];
  /**
   * How often the series only dashboards read are recorded (rule group `dashboard-series`);
   * those alerts read are recorded with the alerts, at every evaluation.
   */
  dashboardSeriesInterval: string;
  estats: {
    /** Ignore samples with fewer edge hits than this: ratios of tiny samples are noise. */
    minHits: number;
    edge5xxRatio: RatioThreshold & { overrides: TargetOverride[] };
    edgeFailureRatio: RatioThreshold & { overrides: TargetOverride[] };
    originFailureRatio: RatioThreshold & { overrides: TargetOverride[] };
    trafficVanished: { hadHitsOver: number; lookback: string; for: string; severity: Severity };
    targetFailing: { for: string; severity: Severity };
  };
  collectors: {
    /**
     * Seconds between the runs of each collector job: config/local.yml's here. A stage's
     * rules take the longest gap of that job's enabled schedules (settings.ts), so no
     * schedule of it counts as stale between two of its own runs.
     */
    intervals: Record<string, number>;
    /** Alert when a group was not pushed (or a schedule did not succeed) for this many intervals. */
    staleAfterIntervals: number;
    staleSeverity: Severity;
    /**
     * Sinks other than the Pushgateway (rules/sampleStaleness.ts): how far back the newest
     * success and sample are looked for. A schedule with no success in it is CollectorSilent.
     */
    successLookback: string;
    /** …and how long that silence lasts before CollectorSilent fires: a new schedule's first run. */
    silentFor: string;
    pushFailingFor: string;
    pushFailingSeverity: Severity;
    /** Prometheus' scrape job name for the Pushgateway. */
    pushgatewayScrapeJob: string;
    pushgatewayDownFor: string;
  };
  /** Burn-rate alerts of the SLOs a stage file declares (src/alerting/slo.ts). */
  slo: {
    page: BurnRateAlert;
    ticket: BurnRateAlert;
    /** How often the SLIs, burn rates and alerts are evaluated (their rule group's interval). */
    evaluationInterval: string;
    /** …and the whole-window ratio and budget left: a 30-day sum is the costly query. */
    budgetInterval: string;
  };
  synthetic: {
    linkDownFor: string;
    linkDownSeverity: Severity;
    bufferFillAbove: number;
    bufferFor: string;
    noTrafficFor: string;
    rebootWindow: string;
  };
  /** The scrape schedules' targets (src/alerting/rules/scrape.ts). */
  scrape: {
    downFor: string;
    downSeverity: Severity;
    /** Of its timeout. */
    slowAbove: number;
    slowFor: string;
  };
  export: ExportSettings;
  routing: {
    /** Path (inside the Alertmanager container/host) of the file holding the Slack webhook URL. */
    slackWebhookUrlFile: string;
    /**
     * On-call webhook for critical alerts (PagerDuty/Opsgenie bridge, …), and the file holding
     * its bearer token. Absent: critical alerts go to the critical Slack channel only.
     */
    oncall?: { webhookUrl: string; tokenFile: string };
    channels: { default: string; critical: string; info: string; teams: Record<string, string> };
    groupWait: string;
    groupInterval: string;
    repeatInterval: string;
  };
}

export const DEFAULT_ALERTING_CONFIG: AlertingConfig = {
  runbookBaseUrl:
    'https://github.com/pushgate-collector/pushgate-collector/blob/main/docs/runbooks/',
  disabledAlerts: [],
  // Synthetic devices tick every minute, eStats every 2: a panel gains nothing from more.
  dashboardSeriesInterval: '1m',
  estats: {
    minHits: 100,
    // eStats samples every 2 minutes: 6m is three consecutive bad samples.
    edge5xxRatio: { above: 0.05, for: '6m', severity: 'critical', overrides: [] },
    edgeFailureRatio: { above: 0.1, for: '6m', severity: 'warning', overrides: [] },
    originFailureRatio: { above: 0.05, for: '6m', severity: 'warning', overrides: [] },
    trafficVanished: { hadHitsOver: 100, lookback: '1h', for: '6m', severity: 'critical' },
    targetFailing: { for: '6m', severity: 'warning' },
  },
  collectors: {
    intervals: { akamai_estats: 120, synthetic_telemetry: 60, pushgate_scrape: 60 },
    staleAfterIntervals: 3,
    staleSeverity: 'warning',
    successLookback: '1d',
    silentFor: '10m',
    pushFailingFor: '5m',
    pushFailingSeverity: 'warning',
    pushgatewayScrapeJob: 'pushgateway',
    pushgatewayDownFor: '2m',
  },
  slo: {
    evaluationInterval: '1m',
    budgetInterval: '5m',
    // The workbook's policy: for a 30-day SLO, burn rates 14.4 and 6 page, 3 and 1 open a
    // ticket. Said as budget spent, so a 28-day SLO gets the same policy (13.44, 5.6, …).
    page: {
      severity: 'critical',
      // eStats samples every 2 minutes: one more sample must agree before anyone is woken.
      for: '2m',
      windows: [
        { long: '1h', short: '5m', budgetConsumed: 0.02 },
        { long: '6h', short: '30m', budgetConsumed: 0.05 },
      ],
    },
    ticket: {
      severity: 'warning',
      for: '15m',
      windows: [
        { long: '1d', short: '2h', budgetConsumed: 0.1 },
        { long: '3d', short: '6h', budgetConsumed: 0.1 },
      ],
    },
  },
  synthetic: {
    linkDownFor: '1m',
    linkDownSeverity: 'warning',
    bufferFillAbove: 0.8,
    bufferFor: '5m',
    noTrafficFor: '10m',
    rebootWindow: '15m',
  },
  // Three missed runs of a schedule of a minute.
  scrape: { downFor: '3m', downSeverity: 'warning', slowAbove: 0.8, slowFor: '10m' },
  export: {
    formats: ['prometheus'],
    namespace: 'pushgate-collector',
    kubernetes: { namespace: 'monitoring', labels: {} },
  },
  routing: {
    slackWebhookUrlFile: '/etc/alertmanager/secrets/slack-webhook-url',
    oncall: {
      webhookUrl: 'http://oncall-bridge:8080/alertmanager',
      tokenFile: '/etc/alertmanager/secrets/oncall-token',
    },
    channels: {
      default: '#alerts',
      critical: '#alerts-critical',
      info: '#alerts-info',
      teams: { cdn: '#cdn-alerts', network: '#network-alerts' },
    },
    groupWait: '30s',
    groupInterval: '5m',
    repeatInterval: '4h',
  },
};
