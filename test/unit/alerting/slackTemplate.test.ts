import { buildAlertingFiles } from '../../../src/deploy/stage/alerting';
import { slackTemplate } from '../../../src/alerting/slackTemplate';
import { alertPanels } from '../../../src/dashboards/alertPanels';
import { alertingFiles } from '../../../src/deploy/alertingFiles';

const panels = alertPanels(['AkamaiEdge5xxRatioHigh', 'CollectorGroupStale']);

describe('Slack message links', () => {
  it('find their panels in the dashboards', () => {
    expect(panels.AkamaiEdge5xxRatioHigh).toMatchObject({
      uid: 'pushgate-cdn-status',
      title: 'Edge status-class mix',
      panelId: expect.any(Number),
    });
  });

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
      `{{ if eq .Labels.alertname "AkamaiEdge5xxRatioHigh" }}\n• Dashboard: <https://grafana.example.net/d/pushgate-cdn-status/?viewPanel=${panels.AkamaiEdge5xxRatioHigh?.panelId}{{ with .Labels.cp_code }}&var-cp_code={{ . | urlquery }}{{ end }}`,
    );
    expect(text).toContain(
      `{{ if eq .Labels.alertname "CollectorGroupStale" }}\n• Dashboard: <https://grafana.example.net/d/pushgate-collector-health/?viewPanel=${panels.CollectorGroupStale?.panelId}&from=`,
    );
  });

  it('link the dashboards the build step wires in, and none when it wires none', () => {
    const links = { grafana: 'https://grafana.example.net' };
    const template = (files: { files: Record<string, string> }) =>
      files.files['templates/slack.tmpl'] ?? '';
    expect(template(alertingFiles(undefined, { links }))).toContain(
      '• Dashboard: <https://grafana.example.net/d/pushgate-cdn-status/',
    );
    expect(template(buildAlertingFiles(undefined, { links }))).not.toContain('Dashboard');
  });

  it('refuse an alert without a panel', () => {
    expect(() => alertPanels(['NoSuchAlert'])).toThrow(
      'alert NoSuchAlert has no dashboard panel for its Slack link',
    );
  });
});
