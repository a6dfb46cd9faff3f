import * as z from 'zod/mini';
import { defaultsOf as section } from '../shared/zod';
import { exportSettings } from './exportSettings';
import { duration, severity, type SeverityLevel, text, url } from './settingKinds';

/**
 * Everything a team tunes in alerting: thresholds, selectors, per-target overrides, channels.
 * Rule and route code read only what this schema gives, so changing a threshold never means
 * touching PromQL. The schema is the one place each setting is said: its type, its check and
 * its default. A stage file's `alerting:` section gives any of them (settings.ts); what it
 * leaves out keeps the default, so nobody edits this file to tune their alerts.
 */

/**
 * One pair of windows of a multi-window burn-rate alert (Google SRE workbook, ch. 5): it fires
 * when both windows burn the error budget faster than `budgetConsumed` of the SLO window's
 * budget in the long window. For a 30-day SLO: 2 % in 1 h is a burn rate of 14.4.
 */
const burnWindow = z.strictObject({
  long: duration,
  short: duration,
  /** Share of the whole budget spent in the long window (0-1). */
  budgetConsumed: z.number().check(z.positive(), z.lte(1)),
});
type BurnWindowInput = z.input<typeof burnWindow>;

/** A burn-rate alert: either pair of windows fires it. */
const burnRate = (level: SeverityLevel, forDuration: string, windows: BurnWindowInput[]) =>
  section(
    z.strictObject({
      severity: z._default(severity, level),
      for: z._default(duration, forDuration),
      windows: z._default(z.array(burnWindow).check(z.minLength(1)), windows),
    }),
  );

/** The on-call webhook (PagerDuty/Opsgenie bridge, …) that critical alerts page. */
const DEFAULT_ONCALL = {
  webhookUrl: 'http://oncall-bridge:8080/alertmanager',
  tokenFile: '/etc/alertmanager/secrets/oncall-token',
};

const routing = section(
  z.strictObject({
    /**
     * Path (on the Alertmanager host) of the file holding each channel's Slack webhook URL,
     * `{channel}` standing for the channel's name without its `#`. Slack binds an app's
     * incoming webhook to one channel and ignores the channel a message names, so each
     * channel needs its own; a path without `{channel}` gives every channel one file (a
     * legacy webhook, which does post where it is told).
     */
    slackWebhookUrlFiles: z._default(text, '/etc/alertmanager/secrets/slack/{channel}'),
    /**
     * On-call webhook for critical alerts, and the file holding its bearer token. `false`: no
     * on-call receiver; critical alerts reach the critical Slack channel only.
     */
    oncall: z._default(
      z.union([
        z.literal(false),
        z.strictObject({
          webhookUrl: z._default(url, DEFAULT_ONCALL.webhookUrl),
          tokenFile: z._default(text, DEFAULT_ONCALL.tokenFile),
        }),
      ]),
      DEFAULT_ONCALL,
    ),
    channels: section(
      z.strictObject({
        default: z._default(text, '#alerts'),
        critical: z._default(text, '#alerts-critical'),
        info: z._default(text, '#alerts-info'),
        /** Team → channel (each alert's `team` label): given, it replaces the default teams. */
        teams: z._default(z.record(z.string().check(z.regex(/^[a-z][a-z0-9_-]*$/)), text), {
          cdn: '#cdn-alerts',
          network: '#network-alerts',
        }),
      }),
    ),
    groupWait: z._default(duration, '30s'),
    groupInterval: z._default(duration, '5m'),
    repeatInterval: z._default(duration, '4h'),
  }),
);

/**
 * The settings every stage shares, whatever its collectors: each collector kind adds its own
 * section (`alertingSettingsWith`).
 */
const SHARED_SETTINGS = {
  /** Base of every runbook_url; the page is docs/runbooks/<file>.md#<anchor>. */
  runbookBaseUrl: z._default(
    url.check(z.refine((value) => value.endsWith('/'), 'must end with "/"')),
    'https://github.com/pushgate-collector/pushgate-collector/blob/main/docs/runbooks/',
  ),
  /** Alerts left out of the rules (and of the inhibit rules naming them). */
  disabledAlerts: z._default(z.array(z.string()), []),
  /**
   * How often the series only dashboards read are recorded (rule group `dashboard-series`);
   * those alerts read are recorded with the alerts, at every evaluation. Synthetic devices
   * tick every minute, eStats every 2: a panel gains nothing from more.
   */
  dashboardSeriesInterval: z._default(duration, '1m'),
  collectors: section(
    z.strictObject({
      /** Alert when a group was not pushed (or a schedule did not succeed) for this many intervals. */
      staleAfterIntervals: z._default(z.int().check(z.gte(1)), 3),
      staleSeverity: z._default(severity, 'warning'),
      /**
       * Sinks other than the Pushgateway (rules/sampleStaleness.ts): how far back the newest
       * success and sample are looked for. A schedule with no success in it is CollectorSilent.
       */
      successLookback: z._default(duration, '1d'),
      /** …and how long that silence lasts before CollectorSilent fires: a new schedule's first run. */
      silentFor: z._default(duration, '10m'),
      pushFailingFor: z._default(duration, '5m'),
      pushFailingSeverity: z._default(severity, 'warning'),
      /** Prometheus' scrape job name for the Pushgateway. */
      pushgatewayScrapeJob: z._default(text, 'pushgateway'),
      pushgatewayDownFor: z._default(duration, '2m'),
    }),
  ),
  /** Burn-rate alerts of the SLOs a stage file declares (src/alerting/slo.ts). */
  slo: section(
    z.strictObject({
      // The workbook's policy: for a 30-day SLO, burn rates 14.4 and 6 page, 3 and 1 open a
      // ticket. Said as budget spent, so a 28-day SLO gets the same policy (13.44, 5.6, …).
      // eStats samples every 2 minutes: one more sample must agree before anyone is woken.
      page: burnRate('critical', '2m', [
        { long: '1h', short: '5m', budgetConsumed: 0.02 },
        { long: '6h', short: '30m', budgetConsumed: 0.05 },
      ]),
      ticket: burnRate('warning', '15m', [
        { long: '1d', short: '2h', budgetConsumed: 0.1 },
        { long: '3d', short: '6h', budgetConsumed: 0.1 },
      ]),
      /** How often the SLIs, burn rates and alerts are evaluated (their rule group's interval). */
      evaluationInterval: z._default(duration, '1m'),
      /** …and the whole-window ratio and budget left: a 30-day sum is the costly query. */
      budgetInterval: z._default(duration, '5m'),
    }),
  ),
  export: exportSettings,
  routing,
};

const sharedSettingsSchema = z.strictObject(SHARED_SETTINGS);
export type SharedAlertingSettings = z.output<typeof sharedSettingsSchema>;

/**
 * The schema of a stage file's `alerting:` section: the shared settings and one section per
 * collector kind (its row's `alerting.settings`, keyed by its kind).
 */
export function alertingSettingsWith<Sections extends Record<string, z.ZodMiniType>>(
  sections: Sections,
) {
  return z.strictObject({ ...SHARED_SETTINGS, ...sections });
}

/**
 * The alerting of a stage as the shared rules read it: the shared settings, the intervals its
 * own schedules give (job → seconds), and each collector kind's section by its kind, which
 * only that kind's rules read (collectorAlerting.ts).
 */
export type AlertingConfig = SharedAlertingSettings & {
  collectors: { intervals: Record<string, number> };
} & { readonly [kindSection: string]: unknown };
export type BurnRateAlert = AlertingConfig['slo']['page'];
export type BurnWindow = BurnRateAlert['windows'][number];
export type ExportSettings = AlertingConfig['export'];
export type AmpExportSettings = NonNullable<ExportSettings['amp']>;

/** The shared settings' defaults: what a stage file that sets none of them gets. */
export const SHARED_ALERTING_DEFAULTS = sharedSettingsSchema.parse({});
