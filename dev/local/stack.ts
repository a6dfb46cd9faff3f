import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertingFiles } from '../../src/deploy/alertingFiles';
import type { Slo } from '../../src/alerting/slo';
import type { RuleScope } from '../../src/alerting/scope';
import type { StageAlertingConfig } from '../../src/deploy/stage/alerting';
import { slackWebhookUrlFile } from '../../src/alerting/routes';
import { renderPrometheusConfig } from '../../src/alerting/prometheusConfig';
import { freePort, isPortFree } from './ports';
import {
  launchAlertmanager,
  launchPrometheus,
  launchPushgateway,
  type RunningBinary,
} from '../launchers';
import { type SlackMessage, type SlackSink, startSlackSink } from './slackSink';

/**
 * The monitoring half of the product on one machine: the real Pushgateway (or several),
 * Prometheus (scraping them with our scrape configuration, and itself, loading the rendered rules, sending
 * to Alertmanager) and Alertmanager (rendered routes), plus a Slack sink when no real webhook
 * is given. Used by `npm start` and by the end-to-end test.
 */
export interface StackOptions {
  dataDir: string;
  alerting: StageAlertingConfig;
  /** The stage's SLOs: their recording rules and burn-rate alerts join the shipped rules. */
  slos: readonly Slo[];
  /** The sinks and schedules the rules are built for (default: the Pushgateway). */
  scope?: RuleScope;
  /** Grafana for the Slack messages' dashboard links (none runs in this stack). */
  grafanaUrl?: string;
  /** Preferred ports; a port in use is replaced by a free one (and said so). 0 = any. */
  ports: { pushgateway: number; prometheus: number; alertmanager: number; slackSink: number };
  /** How many Pushgateways (default 1); the others take the ports after the first one's. */
  pushgateways?: number;
  /** Let Prometheus take remote writes at /api/v1/write (SINKS with remote-write). */
  remoteWriteReceiver?: boolean;
  scrapeInterval: string;
  evaluationInterval: string;
  /** How often Prometheus re-sends firing alerts to Alertmanager. */
  alertResendDelay: string;
  /** Real Slack incoming webhook; when absent, alerts go to the local sink. */
  slackWebhookUrl?: string;
  onSlackMessage?: (message: SlackMessage) => void;
  log: (line: string) => void;
}

export type { RunningBinary };

export interface LocalStack {
  /** The first Pushgateway. */
  pushgateway: RunningBinary;
  /** Every Pushgateway, the first one first. */
  pushgateways: RunningBinary[];
  prometheus: RunningBinary;
  alertmanager: RunningBinary;
  slackSink: SlackSink | undefined;
  stop(): Promise<void>;
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async () => {
    for (const item of started.reverse()) await item.stop().catch(() => undefined);
  };
  try {
    const slackSink = options.slackWebhookUrl
      ? undefined
      : await startSlackSink({
          port: await choosePort(options.ports.slackSink, 'Slack sink', options.log),
          ...(options.onSlackMessage ? { onMessage: options.onSlackMessage } : {}),
        });
    if (slackSink) started.push(slackSink);

    const pushgateways: RunningBinary[] = [];
    for (let i = 0; i < (options.pushgateways ?? 1); i++) {
      const pushgatewayDir = join(
        options.dataDir,
        i === 0 ? 'pushgateway' : `pushgateway-${i + 1}`,
      );
      mkdirSync(pushgatewayDir, { recursive: true });
      const preferred = options.ports.pushgateway === 0 ? 0 : options.ports.pushgateway + i;
      const pushgateway = await launchPushgateway({
        port: await choosePort(preferred, `Pushgateway ${i + 1}`, options.log),
        persistenceFile: join(pushgatewayDir, 'metrics.db'),
        extraArgs: ['--persistence.interval=30s'],
      });
      started.push(pushgateway);
      pushgateways.push(pushgateway);
    }

    const alertmanagerPort = await choosePort(
      options.ports.alertmanager,
      'Alertmanager',
      options.log,
    );
    const prometheusPort = await choosePort(options.ports.prometheus, 'Prometheus', options.log);
    const amDir = join(options.dataDir, 'alertmanager');
    const secretsDir = join(amDir, 'secrets');
    mkdirSync(join(amDir, 'templates'), { recursive: true });
    mkdirSync(secretsDir, { recursive: true });
    // One webhook file per channel, as Slack's app webhooks need; locally every one holds the
    // same URL (the sink, or a real webhook), which posts where the message says.
    const slackFiles = join(secretsDir, 'slack', '{channel}');
    mkdirSync(join(secretsDir, 'slack'), { recursive: true });
    const { channels } = options.alerting.routing;
    for (const channel of [
      channels.default,
      channels.critical,
      channels.info,
      ...Object.values(channels.teams),
    ])
      writeSecret(
        slackWebhookUrlFile(slackFiles, channel),
        options.slackWebhookUrl ?? slackSink?.url ?? '',
      );
    const tokenFile = join(secretsDir, 'oncall-token');
    writeSecret(tokenFile, 'local-oncall-token');
    const alerting: StageAlertingConfig = {
      ...options.alerting,
      routing: {
        ...options.alerting.routing,
        slackWebhookUrlFiles: slackFiles,
        // Locally the on-call webhook lands in the sink too (or nowhere useful with real Slack).
        ...(options.alerting.routing.oncall
          ? {
              oncall: {
                tokenFile,
                webhookUrl: slackSink
                  ? slackSink.url.replace(/\/services\/.*$/, '/oncall')
                  : options.alerting.routing.oncall.webhookUrl,
              },
            }
          : {}),
      },
    };
    const { files } = alertingFiles(alerting, {
      templatesDir: join(amDir, 'templates'),
      slos: options.slos,
      ...(options.scope ? { scope: options.scope } : {}),
      // The Slack messages link this stack's own Prometheus and Alertmanager.
      links: {
        prometheus: `http://127.0.0.1:${prometheusPort}`,
        alertmanager: `http://127.0.0.1:${alertmanagerPort}`,
        ...(options.grafanaUrl ? { grafana: options.grafanaUrl } : {}),
      },
    });
    writeFileSync(join(amDir, 'alertmanager.yml'), files['alertmanager.yml'] ?? '');
    writeFileSync(join(amDir, 'templates', 'slack.tmpl'), files['templates/slack.tmpl'] ?? '');
    const alertmanager = await launchAlertmanager({
      port: alertmanagerPort,
      configFile: join(amDir, 'alertmanager.yml'),
      storagePath: join(amDir, 'data'),
      configMarker: secretsDir,
    });
    started.push(alertmanager);

    const promDir = join(options.dataDir, 'prometheus');
    mkdirSync(promDir, { recursive: true });
    writeFileSync(join(promDir, 'rules.yml'), files['rules.yml'] ?? '');
    writeFileSync(
      join(promDir, 'prometheus.yml'),
      renderPrometheusConfig({
        header: 'The npm start stack (dev/local/stack.ts).',
        scrapeInterval: options.scrapeInterval,
        evaluationInterval: options.evaluationInterval,
        ruleFiles: ['rules.yml'],
        alertmanager: new URL(alertmanager.url).host,
        pushgateways: pushgateways.map((p) => new URL(p.url).host),
        self: `127.0.0.1:${prometheusPort}`,
        pushgatewayJob: alerting.collectors.pushgatewayScrapeJob,
      }),
    );
    const prometheus = await launchPrometheus({
      port: prometheusPort,
      configFile: join(promDir, 'prometheus.yml'),
      tsdbPath: join(promDir, 'data'),
      extraArgs: [
        `--rules.alert.resend-delay=${options.alertResendDelay}`,
        '--web.enable-lifecycle',
        ...(options.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
      ],
    });
    started.push(prometheus);
    const [pushgateway] = pushgateways as [RunningBinary];
    return { pushgateway, pushgateways, prometheus, alertmanager, slackSink, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function writeSecret(path: string, value: string): void {
  writeFileSync(path, value, { mode: 0o600 });
  chmodSync(path, 0o600);
}

async function choosePort(
  preferred: number,
  what: string,
  log: (line: string) => void,
): Promise<number> {
  if (preferred === 0) return freePort();
  if (await isPortFree(preferred)) return preferred;
  const port = await freePort();
  log(`port ${preferred} (${what}) is in use; using ${port} instead`);
  return port;
}
