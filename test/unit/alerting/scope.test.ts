import { DEPLOYED_SCHEDULE } from '../../../src/alerting/rules/sampleStaleness';
import { alertNames } from '../../../src/alerting';
import { buildAlertingFiles } from '../../../src/deploy/stage/alerting';
import { DEFAULT_ALERTING_CONFIG } from '../../../src/deploy/stage/alerting';
import { assertScope, type RuleScope, stalenessOf } from '../../../src/alerting/scope';
import { stageAlertingFiles } from '../../../src/deploy/alertingFiles';
import { enabledScheduleNames, loadStageConfig } from '../../../src/deploy/stage';
import { writeStageConfig } from '../../helpers/stageConfig';

const SCHEDULES = { akamai_estats: ['default'], synthetic_telemetry: ['default'] };

describe('the staleness form of a stage’s sinks', () => {
  it.each([
    [['pushgateway'], 'push-time'],
    [['pushgateway', 'graphite'], 'push-time'],
    [['remote-write'], 'sample-time'],
    [['pushgateway', 'remote-write'], 'sample-time'],
    [['graphite'], 'sample-time'],
  ] as const)('%j reads staleness from %s', (sinks, form) => {
    expect(stalenessOf({ sinks, schedules: SCHEDULES })).toBe(form);
  });

  it('refuses sample-time rules without the schedules to watch, saying where they come from', () => {
    expect(() => assertScope({ sinks: ['remote-write'], schedules: {} })).toThrow(
      'the alert rules of sinks remote-write watch each schedule of the stage, and none was given',
    );
    expect(() => assertScope({ sinks: [], schedules: SCHEDULES })).toThrow(
      'the alert rules need at least one sink',
    );
    expect(() => assertScope({ sinks: ['pushgateway'], schedules: {} })).not.toThrow();
  });
});

describe('inhibit rules follow the alerts a stage has', () => {
  const inhibitions = (scope: RuleScope) =>
    buildAlertingFiles(DEFAULT_ALERTING_CONFIG, { scope }).alertmanager.inhibit_rules.map(
      (r) => `${r.source_matchers.join()} → ${r.target_matchers.join()}`,
    );

  it('mutes no alert the rules do not have (amtool would accept it; the names would rot)', () => {
    expect(inhibitions({ sinks: ['remote-write'], schedules: SCHEDULES })).toEqual([
      'alertname="AkamaiEstatsTargetFailing" → alertname=~"AkamaiEdge5xxRatioHigh|AkamaiEdgeFailureRatioHigh|AkamaiOriginFailureRatioHigh|AkamaiTrafficVanished|AkamaiEstatsSampleStale"',
      'alertname="SyntheticPortLinkDown" → alertname="SyntheticPortNoTraffic"',
    ]);
    expect(inhibitions({ sinks: ['pushgateway', 'remote-write'], schedules: SCHEDULES })).toContain(
      'alertname="PushgatewaysAllDown" → alertname=~"CollectorPushFailing|CollectorPushgatewayMissedGroups|CollectorSuccessStale"',
    );
    expect(inhibitions({ sinks: ['pushgateway'], schedules: {} })).toContain(
      'alertname="PushgatewaysAllDown" → alertname=~"CollectorGroupStale|CollectorPushFailing|CollectorPushgatewayMissedGroups"',
    );
  });
});

describe("a stage's alerting files for its sinks", () => {
  it('watch the enabled schedules of its file, by name', () => {
    const file = writeStageConfig((text) =>
      text
        .replace('name: default # names the run', 'name: edge-5xx # names the run')
        .replace(
          "synthetic:\n  # Runs every minute; each run pushes the fleet's values at the tick time.\n  - rate: rate(1 minute)",
          "synthetic:\n  # Runs every minute; each run pushes the fleet's values at the tick time.\n  - rate: rate(1 minute)\n    enabled: false",
        )
        .replace('scrape:\n', 'scrape: []\nnot_scraped:\n')
        .replace(/\nnot_scraped:[\s\S]*?\n(?=# Service level)/, '\n')
        .replace('schedule: default # every target', 'schedule: edge-5xx # every target'),
    );
    expect(enabledScheduleNames(loadStageConfig(file, 'dev'))).toEqual({
      akamai_estats: ['edge-5xx'],
      synthetic_telemetry: [],
      pushgate_scrape: [],
      akamai_traffic: ['cdn'],
    });
    const { rules } = stageAlertingFiles(file, 'dev', { sinks: ['remote-write'] });
    // The schedules watched are the stage's enabled ones, one recorded series each.
    const deployed = rules.groups
      .flatMap((g) => g.rules)
      .flatMap((r) => ('record' in r && r.record === DEPLOYED_SCHEDULE ? [r.labels] : []));
    expect(deployed).toEqual([
      { job: 'akamai_estats', schedule: 'edge-5xx' },
      { job: 'akamai_traffic', schedule: 'cdn' },
    ]);
    expect(alertNames(rules)).toContain('CollectorSilent');
    expect(alertNames(stageAlertingFiles(file, 'dev').rules)).toContain('CollectorGroupStale');
  });
});
