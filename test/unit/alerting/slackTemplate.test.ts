import { slackTemplate } from '../../../src/alerting/slackTemplate';
import { alertPanels } from '../../../src/dashboards/alertPanels';

const panels = alertPanels(['AkamaiEdge5xxRatioHigh', 'CollectorGroupStale']);

describe('Slack message links', () => {
  it('are left out when their base is not configured', () => {
    const text = slackTemplate({}, panels);
    expect(text).toContain('• Runbook: {{ .Annotations.runbook_url }}');
    expect(text).not.toMatch(/Dashboard|Graph|Silence/);
    const graphOnly = slackTemplate({ prometheus: 'https://prom.example.net/' }, panels);
    expect(graphOnly).toContain(
      '• Graph: <{{ reReplaceAll "^.*/graph\\\\?" "https://prom.example.net/graph?"',
    );
    expect(graphOnly).not.toMatch(/Dashboard|Silence/);
  });

  it("link each alert's own panel, with the variables its labels set", () => {
    const text = slackTemplate({ grafana: 'https://grafana.example.net' }, panels);
    expect(text).toContain(
      '{{ if eq .Labels.alertname "AkamaiEdge5xxRatioHigh" }}\n• Dashboard: <https://grafana.example.net/d/pushgate-cdn-status/?viewPanel=5{{ with .Labels.cp_code }}&var-cp_code={{ . | urlquery }}{{ end }}',
    );
    expect(text).toContain(
      '{{ if eq .Labels.alertname "CollectorGroupStale" }}\n• Dashboard: <https://grafana.example.net/d/pushgate-collector-health/?viewPanel=5&from=',
    );
  });

  it('refuse an alert without a panel', () => {
    expect(() => alertPanels(['NoSuchAlert'])).toThrow(
      'alert NoSuchAlert has no dashboard panel for its Slack link',
    );
  });
});
