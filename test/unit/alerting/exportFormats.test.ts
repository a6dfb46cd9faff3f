import { parse } from 'yaml';
import { buildAlertingFiles } from '../../../src/deploy/stage/alerting';
import { DEFAULT_ALERTING_CONFIG } from '../../../src/deploy/stage/alerting';
import { alertmanagerSnippet } from '../../../src/alerting/formats';
import { mergeAlertmanagerSnippet } from '../../../src/alerting/merge';
import { stageAlertingConfigOf } from '../../../src/deploy/stage/alerting';
import { refusalText } from '../../helpers/refusal';

const INTERVALS = DEFAULT_ALERTING_CONFIG.collectors.intervals;
const of = (section: unknown) => stageAlertingConfigOf(section, INTERVALS, 'config/prod.yml');
const AMP = {
  workspaceId: 'ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789',
  region: 'eu-central-1',
  snsTopicArn: 'arn:aws:sns:eu-central-1:123456789012:cdn-alerts',
};

describe('alerting.export', () => {
  it('left out, writes the whole Prometheus and Alertmanager files, as before', () => {
    expect(of(undefined).export).toEqual({
      formats: ['prometheus'],
      namespace: 'pushgate-collector',
      kubernetes: { namespace: 'monitoring', labels: {} },
    });
    expect(Object.keys(buildAlertingFiles(of(undefined)).files)).toEqual([
      'rules.yml',
      'alertmanager.yml',
      'templates/slack.tmpl',
    ]);
  });

  it('writes each named format once, the rules file shared', () => {
    const files = buildAlertingFiles(
      of({ export: { formats: ['prometheus', 'alertmanager-snippet', 'mimir'] } }),
    ).files;
    expect(Object.keys(files)).toEqual([
      'rules.yml',
      'alertmanager.yml',
      'alertmanager-snippet.yml',
      'mimir/pushgate-collector.yml',
      'templates/slack.tmpl',
    ]);
  });

  it.each([
    [{ formats: ['grafana'] }, 'alerting.export.formats[0]'],
    [{ formats: [] }, 'alerting.export.formats'],
    [
      { namespace: 'CDN_Edge' },
      'alerting.export.namespace: must be lower-case letters, digits and "-"',
    ],
    [{ kubernetes: { namespace: 'Monitoring' } }, 'alerting.export.kubernetes.namespace'],
    [{ amp: { ...AMP, region: 'Frankfurt' } }, 'alerting.export.amp.region: must be an AWS region'],
    [
      { amp: { ...AMP, snsTopicArn: 'cdn-alerts' } },
      'alerting.export.amp.snsTopicArn: must be an SNS topic ARN',
    ],
    [{ amp: { ...AMP, extra: 1 } }, 'alerting.export.amp'],
  ])('refuses %j, naming the field', (section, field) => {
    expect(refusalText(() => of({ export: section }))).toContain(field);
  });

  it('refuses the amp format without its workspace, saying what to add', () => {
    expect(refusalText(() => of({ export: { formats: ['amp'] } }))).toContain(
      'config/prod.yml: alerting.export.formats names amp, but alerting.export.amp is not set. add alerting.export.amp: { workspaceId: ws-…, region: …, snsTopicArn: arn:aws:sns:… }',
    );
  });

  it('refuses a topic for a receiver that does not exist', () => {
    const config = of({
      export: { formats: ['amp'], amp: { ...AMP, topics: { 'slack-pager': AMP.snsTopicArn } } },
    });
    expect(refusalText(() => buildAlertingFiles(config))).toContain(
      'alerting.export.amp.topics: slack-pager is not among the receivers. the receivers are slack-default, slack-critical',
    );
  });

  it('names the PrometheusRule and the ruler namespace after the namespace', () => {
    const files = buildAlertingFiles(
      of({ export: { formats: ['prometheus-operator', 'mimir'], namespace: 'cdn-edge' } }),
    ).files;
    expect(parse(files['prometheus-operator/prometheusrule.yaml'] ?? '')).toMatchObject({
      metadata: {
        name: 'cdn-edge',
        namespace: 'monitoring',
        labels: { 'app.kubernetes.io/name': 'cdn-edge' },
      },
    });
    expect(parse(files['mimir/cdn-edge.yml'] ?? '')).toMatchObject({ namespace: 'cdn-edge' });
  });
});

describe('merging the snippet into an Alertmanager config', () => {
  const { alertmanager } = buildAlertingFiles(of(undefined));
  const snippet = alertmanagerSnippet(alertmanager, 'pushgate-collector');

  it('adds the lists a minimal config lacks', () => {
    const merged = parse(
      mergeAlertmanagerSnippet(
        'route:\n  receiver: x\nreceivers:\n  - name: x\n',
        snippet,
        'am.yml',
      ),
    ) as Record<string, unknown[]>;
    expect(merged.inhibit_rules).toEqual(snippet.inhibit_rules);
    expect(merged.time_intervals).toEqual(snippet.time_intervals);
    expect(merged.templates).toEqual(snippet.templates);
    expect((merged.route as unknown as { routes: unknown[] }).routes).toEqual([snippet.route]);
  });

  it.each([
    ['route: [\n', 'am.yml: not YAML'],
    ['receivers: []\n', 'am.yml: no route: this is not an Alertmanager config'],
    ['route:\n  receiver: x\nreceivers: {}\n', 'receivers is not a list'],
  ])('refuses %j clearly', (text, message) => {
    expect(refusalText(() => mergeAlertmanagerSnippet(text, snippet, 'am.yml'))).toContain(message);
  });
});
