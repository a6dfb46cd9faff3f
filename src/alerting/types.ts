/**
 * Our own types for Prometheus rule files and Alertmanager configuration: plain data that
 * the builders validate and `render.ts` turns into YAML. Field names follow the files they
 * become (snake_case where Prometheus/Alertmanager use it).
 */

/** Closed set: every alert carries one, and every one reaches a receiver. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string } & Record<
    string,
    string
  >;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

export interface RuleFile {
  groups: RuleGroup[];
}

export interface SlackConfig {
  channel: string;
  /** File holding the webhook URL: the secret never appears in the generated config. */
  api_url_file: string;
  send_resolved: true;
  title: string;
  text: string;
}

export interface WebhookConfig {
  url: string;
  send_resolved: boolean;
  max_alerts?: number;
  /** Credentials come from a file, never inline. */
  http_config?: { authorization: { type: 'Bearer'; credentials_file: string } };
}

/** AMP's only receiver kind: publish to an SNS topic, signed with the workspace's role. */
export interface SnsConfig {
  topic_arn: string;
  sigv4: { region: string };
  send_resolved: boolean;
  subject: string;
  message: string;
  attributes: Record<string, string>;
}

export interface Receiver {
  name: string;
  slack_configs?: SlackConfig[];
  webhook_configs?: WebhookConfig[];
  sns_configs?: SnsConfig[];
}

export interface Route {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  mute_time_intervals?: string[];
  routes?: Route[];
}

export interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

export interface TimeRange {
  times?: Array<{ start_time: string; end_time: string }>;
  weekdays?: string[];
}

export interface TimeInterval {
  name: string;
  time_intervals: TimeRange[];
}

export interface AlertmanagerConfig {
  route: Route & { receiver: string };
  receivers: Receiver[];
  inhibit_rules: InhibitRule[];
  time_intervals: TimeInterval[];
  templates: string[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}
