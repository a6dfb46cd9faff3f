export const SLACK_TEMPLATE_FILE = 'slack.tmpl';

/**
 * Where a responder looks first: a dashboard panel, filtered by the alert's labels. The build
 * step hands them in (deploy/alertingFiles.ts, from dashboards/alertPanels.ts).
 */
export interface AlertPanel {
  uid: string;
  panelId: number;
  title: string;
  /** Dashboard variables set from the alert's label of the same name, when it has one. */
  variables: string[];
}

/**
 * Base URLs of the tools a responder opens from a Slack message (the stage file's `links:`).
 * A link whose base is not set is left out of the message, never sent half-built.
 */
export interface AlertLinks {
  grafana?: string;
  prometheus?: string;
  alertmanager?: string;
}

const NANOS_PER_MINUTE = 60_000_000_000;

/** Go template string literal. */
const go = (text: string) => JSON.stringify(text);
const base = (url: string) => url.replace(/\/+$/, '');

/**
 * The Grafana panel of the alert, filtered by its labels, from an hour before it started to
 * now (firing) or a quarter of an hour after it ended (resolved). Grafana takes epoch ms.
 */
function dashboardLink(grafana: string, panels: Record<string, AlertPanel>): string {
  const byPanel = new Map<string, { panel: AlertPanel; alerts: string[] }>();
  for (const [alert, panel] of Object.entries(panels)) {
    const key = `${panel.uid}/${panel.panelId}`;
    const entry = byPanel.get(key) ?? { panel, alerts: [] };
    entry.alerts.push(alert);
    byPanel.set(key, entry);
  }
  const range = `&from={{ (.StartsAt.Add -${60 * NANOS_PER_MINUTE}).Unix }}000&to={{ if eq .Status "firing" }}now{{ else }}{{ (.EndsAt.Add ${15 * NANOS_PER_MINUTE}).Unix }}000{{ end }}`;
  const branches = [...byPanel.values()].map(({ panel, alerts }) => {
    const condition =
      alerts.length === 1
        ? `eq .Labels.alertname ${go(alerts[0] as string)}`
        : `or ${alerts.map((a) => `(eq .Labels.alertname ${go(a)})`).join(' ')}`;
    const variables = panel.variables
      .map((v) => `{{ with .Labels.${v} }}&var-${v}={{ . | urlquery }}{{ end }}`)
      .join('');
    return `{{ if ${condition} }}\n• Dashboard: <${base(grafana)}/d/${panel.uid}/?viewPanel=${panel.panelId}${variables}${range}|${panel.title}>{{ end }}`;
  });
  return branches.join('');
}

/** Prometheus' own link to the alert's expression (generatorURL), on the configured base. */
function graphLink(prometheus: string): string {
  return `\n• Graph: <{{ reReplaceAll ${go('^.*/graph\\?')} ${go(`${base(prometheus)}/graph?`)} .GeneratorURL }}|the alert's expression in Prometheus>`;
}

/** A new silence pre-filled with every label of this alert: it matches this alert only. */
function silenceLink(alertmanager: string): string {
  const value = `{{ reReplaceAll ${go('(["\\\\])')} ${go('\\$1')} $p.Value | urlquery }}`;
  return `\n• Silence: <${base(alertmanager)}/#/silences/new?filter=%7B{{ range $i, $p := .Labels.SortedPairs }}{{ if $i }}%2C{{ end }}{{ $p.Name }}%3D%22${value}%22{{ end }}%7D|a silence for exactly this alert>`;
}

/** Go templates for the Slack messages: what fired, where, how bad, the runbook and links. */
export function slackTemplate(links: AlertLinks, panels: Record<string, AlertPanel>): string {
  // One line per link whose base is configured.
  const linkLines = [
    links.grafana ? dashboardLink(links.grafana, panels) : '',
    links.prometheus ? graphLink(links.prometheus) : '',
    links.alertmanager ? silenceLink(links.alertmanager) : '',
  ].join('');
  return `{{ define "pushgate.slack.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.severity }} ({{ . }}){{ end }}
{{- end }}

{{ define "pushgate.slack.text" -}}
{{ range .Alerts -}}
*{{ if eq .Status "firing" }}Firing{{ else }}Resolved{{ end }}:* {{ .Annotations.summary }}
{{ .Annotations.description }}
{{- if .Labels.cp_code }}
• CP code: {{ .Labels.cp_code }}{{ end }}
{{- if .Labels.url }}
• URL: {{ .Labels.url }}{{ end }}
{{- if .Labels.device }}
• Device: {{ .Labels.device }}{{ with .Labels.port }} port {{ . }}{{ end }}{{ end }}
• Runbook: {{ .Annotations.runbook_url }}${linkLines}
{{ end -}}
{{- end }}
`;
}
