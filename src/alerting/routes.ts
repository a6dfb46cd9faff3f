import { LABEL } from '../metrics/catalogue';
import { PRODUCT_LABEL } from './builders';
import type { AlertingConfig } from './config';
import { TARGET_LABELS } from '../queries/estats';
import { SLO_LABEL } from '../queries/slo';
import { SLO_ALERTS } from './rules/slo';
import type { AlertmanagerConfig, InhibitRule, Receiver } from './types';

const ONCALL_RECEIVER = 'oncall-webhook';

function slackReceiver(name: string, channel: string, config: AlertingConfig): Receiver {
  return {
    name,
    slack_configs: [
      {
        channel,
        api_url_file: slackWebhookUrlFile(config.routing.slackWebhookUrlFiles, channel),
        // Slack's default is false: without it nobody hears that an incident ended.
        send_resolved: true,
        title: '{{ template "pushgate.slack.title" . }}',
        text: '{{ template "pushgate.slack.text" . }}',
      },
    ],
  };
}

/** The webhook file of a channel: `{channel}` is its name, without `#`, safe in a path. */
export function slackWebhookUrlFile(pattern: string, channel: string): string {
  return pattern.replaceAll(
    '{channel}',
    channel.replace(/^[#@]/, '').replace(/[^A-Za-z0-9._-]/g, '_'),
  );
}

/**
 * Route tree: critical alerts page on-call (webhook) and go to the critical channel, and
 * continue; info alerts go to the info channel, muted outside business hours; each team's
 * alerts go to its channel, grouped by the labels a responder needs; everything else (a
 * warning of no team's) lands in the default channel. So a critical alert of a team reaches
 * on-call, the critical channel and the team's channel.
 */
export function alertmanagerConfig(
  config: AlertingConfig,
  templatesDir: string,
  /** The alerts of the stage's rules: an inhibit rule is kept only for alerts that exist. */
  alertNames: ReadonlySet<string>,
): AlertmanagerConfig {
  const { routing } = config;
  const teamRoutes = Object.entries(routing.channels.teams).map(([team]) => ({
    receiver: `slack-${team}`,
    matchers: [`team="${team}"`],
    group_by:
      team === 'cdn'
        ? ['alertname', LABEL.cpCode, LABEL.url, LABEL.delivery]
        : team === 'network'
          ? // A simulated device's, or a scrape target's (its job and instance).
            ['alertname', LABEL.fleet, LABEL.device, LABEL.job, 'instance']
          : ['alertname', LABEL.job],
  }));
  return {
    route: {
      receiver: 'slack-default',
      group_by: ['alertname', LABEL.job],
      group_wait: routing.groupWait,
      group_interval: routing.groupInterval,
      repeat_interval: routing.repeatInterval,
      routes: [
        ...(routing.oncall
          ? [
              {
                receiver: ONCALL_RECEIVER,
                matchers: ['severity="critical"'],
                continue: true,
                group_by: ['alertname', LABEL.job, LABEL.cpCode, LABEL.url],
              },
            ]
          : []),
        // Before the teams, and on: every alert has a team, so after them it would get none.
        {
          receiver: 'slack-critical',
          matchers: ['severity="critical"'],
          continue: true,
          group_by: ['alertname', LABEL.job, LABEL.cpCode, LABEL.url],
        },
        {
          receiver: 'slack-info',
          matchers: ['severity="info"'],
          mute_time_intervals: ['outside-business-hours'],
          group_by: ['alertname', LABEL.job],
        },
        ...teamRoutes,
      ],
    },
    receivers: [
      slackReceiver('slack-default', routing.channels.default, config),
      slackReceiver('slack-critical', routing.channels.critical, config),
      slackReceiver('slack-info', routing.channels.info, config),
      ...Object.entries(routing.channels.teams).map(([team, channel]) =>
        slackReceiver(`slack-${team}`, channel, config),
      ),
      ...(routing.oncall
        ? [
            {
              name: ONCALL_RECEIVER,
              webhook_configs: [
                {
                  url: routing.oncall.webhookUrl,
                  send_resolved: true,
                  max_alerts: 20,
                  http_config: {
                    authorization: {
                      type: 'Bearer' as const,
                      credentials_file: routing.oncall.tokenFile,
                    },
                  },
                },
              ],
            },
          ]
        : []),
    ],
    inhibit_rules: inhibitRules(alertNames),
    time_intervals: [
      {
        name: 'outside-business-hours',
        time_intervals: [
          { weekdays: ['saturday', 'sunday'] },
          { weekdays: ['monday:friday'], times: [{ start_time: '00:00', end_time: '08:00' }] },
          { weekdays: ['monday:friday'], times: [{ start_time: '18:00', end_time: '24:00' }] },
        ],
      },
    ],
    templates: [`${templatesDir.replace(/\/+$/, '')}/*.tmpl`],
  };
}

interface Inhibition {
  /** Why the source makes the targets noise. */
  why: string;
  source: string;
  targets: readonly string[];
  equal: readonly string[];
}

const INHIBITIONS: readonly Inhibition[] = [
  {
    why: 'Blind target: its status-code alerts would be about stale or missing data.',
    source: 'AkamaiEstatsTargetFailing',
    targets: [
      'AkamaiEdge5xxRatioHigh',
      'AkamaiEdgeFailureRatioHigh',
      'AkamaiOriginFailureRatioHigh',
      'AkamaiTrafficVanished',
      'AkamaiEstatsSampleStale',
    ],
    equal: [LABEL.cpCode, LABEL.url, LABEL.delivery, LABEL.errorType],
  },
  {
    why: 'The page says it all: the slow burn of the same SLO and target is noise then.',
    source: SLO_ALERTS.page,
    targets: [SLO_ALERTS.ticket],
    equal: [SLO_LABEL.slo, ...TARGET_LABELS, LABEL.direction],
  },
  {
    why: 'A down link explains the missing traffic.',
    source: 'SyntheticPortLinkDown',
    targets: ['SyntheticPortNoTraffic'],
    equal: [LABEL.fleet, LABEL.device, LABEL.port],
  },
  {
    why: 'With every Pushgateway down, every group looks stale and every push fails.',
    source: 'PushgatewaysAllDown',
    targets: [
      'CollectorGroupStale',
      'CollectorGroupMissing',
      'CollectorPushFailing',
      'CollectorPushgatewayMissedGroups',
      'CollectorSuccessStale',
    ],
    equal: Object.keys(PRODUCT_LABEL),
  },
  {
    why: "All down says it: each one's own alert is noise then.",
    source: 'PushgatewaysAllDown',
    targets: ['PushgatewayDown'],
    equal: [LABEL.job],
  },
];

/** The inhibitions whose source alert exists, muting those of their targets that exist. */
function inhibitRules(alertNames: ReadonlySet<string>): InhibitRule[] {
  return INHIBITIONS.flatMap(({ source, targets, equal }) => {
    const present = targets.filter((name) => alertNames.has(name));
    if (!alertNames.has(source) || present.length === 0) return [];
    return [
      {
        source_matchers: [`alertname="${source}"`],
        target_matchers: [
          present.length === 1 ? `alertname="${present[0]}"` : `alertname=~"${present.join('|')}"`,
        ],
        equal: [...equal],
      },
    ];
  });
}
