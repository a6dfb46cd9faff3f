import { stringify } from 'yaml';
import { ConfigurationError } from '../shared/errors';
import { credentialsInUrl, maskUrlCredentials } from '../shared/urls';
import { SHARED_ALERTING_DEFAULTS } from './config';
import { PUSHGATEWAY_INSTANCE } from '../queries/freshest';

/**
 * The one source of every Prometheus configuration the project writes: the shipped example
 * (infra/prometheus/prometheus.yml), the compose file's (infra/compose/prometheus.yml), the
 * `npm start` stack's and the tests'. What they must agree on is said once, here: the
 * Pushgateway is scraped with `honor_labels: true`, under the scrape job the alert rules name.
 */
export interface PrometheusConfigOptions {
  /** A comment for the top of the file. */
  header: string;
  scrapeInterval: string;
  evaluationInterval?: string;
  /** `host:port` of the Pushgateway(s). */
  pushgateways: string[];
  /** `host:port` of Alertmanager, when alerts are sent. */
  alertmanager?: string;
  ruleFiles?: string[];
  /** `host:port` of Prometheus itself, to scrape its own metrics. */
  self?: string;
  /** The Pushgateway's scrape job: the alert rules' `up{job=…}` names it. */
  pushgatewayJob?: string;
  /** How the Pushgateways are reached, when not plain http at `/metrics`. */
  scheme?: 'http' | 'https';
  metricsPath?: string;
}

const HONOR_LABELS_NOTE = [
  'honor_labels: true keeps the job and grouping labels (cp_code, url, device, …) the collectors',
  'pushed; without it they become exported_job etc., and dashboards and alerts group wrongly.',
  'The relabelling gives pushed series the instance of the Pushgateway they were scraped from (the',
  'Pushgateway exposes them with an empty one): with several Pushgateways every group exists on',
  'each, and the rules and dashboards keep the copy of the one that took the last push.',
].join('\n');

/** A target label that lives only until metric relabelling copies it into `instance`. */
const ADDRESS_LABEL = 'pushgateway_address';

export function renderPrometheusConfig(options: PrometheusConfigOptions): string {
  const config = {
    global: {
      scrape_interval: options.scrapeInterval,
      evaluation_interval: options.evaluationInterval ?? options.scrapeInterval,
    },
    ...(options.ruleFiles ? { rule_files: options.ruleFiles } : {}),
    ...(options.alertmanager
      ? { alerting: { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] } }
      : {}),
    scrape_configs: [
      {
        job_name:
          options.pushgatewayJob ?? SHARED_ALERTING_DEFAULTS.collectors.pushgatewayScrapeJob,
        honor_labels: true,
        ...(options.scheme && options.scheme !== 'http' ? { scheme: options.scheme } : {}),
        ...(options.metricsPath && options.metricsPath !== '/metrics'
          ? { metrics_path: options.metricsPath }
          : {}),
        static_configs: [{ targets: options.pushgateways }],
        relabel_configs: [{ source_labels: ['__address__'], target_label: ADDRESS_LABEL }],
        metric_relabel_configs: [
          {
            // Pushed series only: their instance is empty; the Pushgateway's own series keep theirs.
            source_labels: [PUSHGATEWAY_INSTANCE, ADDRESS_LABEL],
            regex: ';(.+)',
            target_label: PUSHGATEWAY_INSTANCE,
            replacement: '$1',
          },
          { action: 'labeldrop', regex: ADDRESS_LABEL },
        ],
      },
      ...(options.self
        ? [{ job_name: 'prometheus', static_configs: [{ targets: [options.self] }] }]
        : []),
    ],
  };
  const header = `${options.header}\n${HONOR_LABELS_NOTE}`
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
  return `${header}\n${stringify(config)}`;
}

/**
 * The Pushgateway scrape job alone, for a Prometheus of the user's own, from the Pushgateways'
 * URLs as the collectors are given them (functions.pushgatewayUrl): a whole configuration of
 * that one job, which promtool accepts, to merge into its `scrape_configs`. The URLs must
 * share a scheme and path (one job reaches them alike); credentials never go in a URL.
 */
export function pushgatewayJobConfig(urls: readonly string[], jobName?: string): string {
  if (urls.length === 0)
    throw new ConfigurationError('no Pushgateway named', {
      hint: 'give their URLs: --pushgateways http://pushgateway-a:9091,http://pushgateway-b:9091',
    });
  const parsed = urls.map((text) => {
    if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol))
      throw new ConfigurationError(`${JSON.stringify(text)} is not an http(s) URL`, {
        hint: 'give each Pushgateway as the collectors reach it, e.g. http://pushgateway:9091',
      });
    const url = new URL(text);
    const inUrl = credentialsInUrl(url);
    if (inUrl)
      throw new ConfigurationError(`${maskUrlCredentials(text)} holds credentials (${inUrl})`, {
        hint: "give the URL alone, and the credentials in the scrape job's basic_auth or authorization, from a file",
      });
    return url;
  });
  const [first] = parsed;
  const scheme = first?.protocol === 'https:' ? 'https' : 'http';
  const metricsPath = `${first?.pathname.replace(/\/+$/, '') ?? ''}/metrics`;
  for (const url of parsed)
    if (url.protocol !== first?.protocol || url.pathname !== first.pathname)
      throw new ConfigurationError(
        `${url.href} is not reached as ${first?.href} is (scheme and path): one scrape job cannot take both`,
        { hint: 'write a file for each kind, with its own --job' },
      );
  return renderPrometheusConfig({
    header: [
      'The Pushgateway scrape job of pushgate-collector, for your own Prometheus: merge it into',
      'scrape_configs of your prometheus.yml. Written by `npm run prometheus:config -- --out …`.',
    ].join('\n'),
    scrapeInterval: '30s',
    pushgateways: parsed.map((url) => url.host),
    scheme,
    metricsPath,
    ...(jobName ? { pushgatewayJob: jobName } : {}),
  }).replace(/^global:\n(?: .*\n)*/m, '');
}

/** The committed configurations, by path from the repository root (drift-checked in CI). */
export const SHIPPED_PROMETHEUS_CONFIGS: Record<string, string> = {
  'infra/prometheus/prometheus.yml': renderPrometheusConfig({
    header:
      'Prometheus scrape configuration for the Pushgateway this collector pushes to.\nRendered by `npm run prometheus:config` from src/alerting/prometheusConfig.ts; do not edit.',
    scrapeInterval: '30s',
    pushgateways: ['127.0.0.1:9091'],
  }),
  'infra/compose/prometheus.yml': renderPrometheusConfig({
    header:
      'Prometheus configuration for infra/docker-compose.yml (service names as hosts).\nRendered by `npm run prometheus:config` from src/alerting/prometheusConfig.ts; do not edit.',
    scrapeInterval: '15s',
    ruleFiles: ['/etc/prometheus/rules.yml'],
    alertmanager: 'alertmanager:9093',
    pushgateways: ['pushgateway:9091'],
    self: 'localhost:9090',
  }),
};
