import { join } from 'node:path';
import { alertNames } from '../../src/alerting';
import { buildAlertingFiles } from '../../src/deploy/stage/alerting';
import { DEFAULT_ALERTING_CONFIG } from '../../src/deploy/stage/alerting';
import type { RuleScope } from '../../src/alerting/scope';
import { isAlertingRule } from '../../src/alerting/types';
import { inputSeries, promtoolTest, scrapedFrom } from '../helpers/promtool';

/**
 * The staleness rules of stages that deliver by remote write, proven with `promtool test
 * rules` on histories as a remote-write store keeps them: a series whose collector stopped
 * just ends (no Pushgateway keeps its last value), with no `instance`.
 */
const SCHEDULES = { akamai_estats: ['default', 'edge'], synthetic_telemetry: ['default'] };
const scope = (sinks: RuleScope['sinks']): RuleScope => ({ sinks, schedules: SCHEDULES });
const build = (s: RuleScope) =>
  buildAlertingFiles(DEFAULT_ALERTING_CONFIG, {
    runbooksDir: join(__dirname, '..', '..', 'docs', 'runbooks'),
    scope: s,
  });
const remoteWrite = build(scope(['remote-write']));
const RULES = remoteWrite.files['rules.yml'] ?? '';
const runbook = (alert: string) =>
  remoteWrite.rules.groups
    .flatMap((g) => g.rules)
    .filter(isAlertingRule)
    .find((r) => r.alert === alert)?.annotations.runbook_url ?? '';
const common = { severity: 'warning', product: 'pushgate-collector' };

const lastSuccess = (job: string, schedule: string) =>
  `collector_last_success_timestamp_seconds{job="${job}",schedule="${schedule}"}`;
/** A schedule that succeeds every minute (each sample is its own time) for `minutes`, then stops. */
const succeedsFor = (minutes: number) => `0+60x${minutes}`;
/** Every deployed schedule succeeding for the whole history. */
const allRunning = (minutes: number) => ({
  [lastSuccess('akamai_estats', 'default')]: succeedsFor(minutes),
  [lastSuccess('akamai_estats', 'edge')]: succeedsFor(minutes),
  [lastSuccess('synthetic_telemetry', 'default')]: succeedsFor(minutes),
});

function expectPasses(result: { status: number | null; output: string }): void {
  expect(result.output).toContain('SUCCESS');
  expect(result.status).toBe(0);
}

/** promtool passes these alert tests of `rules` on `history` (a sample a minute). */
function expectAlerts(rules: string, history: Record<string, string>, tests: unknown[]): void {
  expectPasses(
    promtoolTest(rules, [
      { interval: '1m', input_series: inputSeries(history), alert_rule_test: tests },
    ]),
  );
}

/** CollectorSuccessStale of the synthetic fleet, its last success `age` old. */
const staleFleet = (age: string) => ({
  exp_labels: {
    job: 'synthetic_telemetry',
    schedule: 'default',
    team: 'observability',
    ...common,
  },
  exp_annotations: {
    summary: `synthetic_telemetry default last succeeded ${age} ago`,
    description: `The schedule default of synthetic_telemetry last completed a successful run ${age} ago, more than 3 schedule intervals: it stopped running, its runs fail, or they cannot deliver. Its series are stale or missing.`,
    runbook_url: runbook('CollectorSuccessStale'),
  },
});
const silent = (job: string, schedule: string) => ({
  exp_labels: { job, schedule, team: 'observability', ...common },
  exp_annotations: {
    summary: `${job} ${schedule} has not succeeded in 1d`,
    description: `The schedule ${schedule} of ${job} is deployed in this stage, but no successful run of it arrived in the last 1d: it stopped long ago, or it never ran.`,
    runbook_url: runbook('CollectorSilent'),
  },
});
const at = (evalTime: string, alertname: string, expAlerts: unknown[]) => ({
  eval_time: evalTime,
  alertname,
  exp_alerts: expAlerts,
});

describe('staleness rules for remote write (promtool)', () => {
  it('has sample-time staleness instead of the Pushgateway alerts', () => {
    const names = alertNames(remoteWrite.rules);
    expect(names).toEqual(
      expect.arrayContaining([
        'CollectorSuccessStale',
        'CollectorSilent',
        'AkamaiEstatsSampleStale',
      ]),
    );
    for (const pushgatewayOnly of [
      'CollectorGroupStale',
      'CollectorPushFailing',
      'PushgatewayDown',
      'PushgatewaysAllDown',
      'PushgatewayGroupsExpired',
    ])
      expect(names).not.toContain(pushgatewayOnly);
  });

  it('keeps firing CollectorSuccessStale long after the stopped series left the lookback of instant queries', () => {
    // The synthetic fleet stops after its run at 10m; the eStats schedules run on.
    const history = {
      ...allRunning(400),
      [lastSuccess('synthetic_telemetry', 'default')]: succeedsFor(10),
    };
    expectAlerts(RULES, history, [
      // 2 minutes old: within 3 intervals of a minute.
      at('12m', 'CollectorSuccessStale', []),
      // Older than 3 minutes since 13m, for 1m.
      at('15m', 'CollectorSuccessStale', [staleFleet('5m 0s')]),
      // The series ended 20 minutes ago: an instant read finds nothing any more.
      at('30m', 'CollectorSuccessStale', [staleFleet('20m 0s')]),
      at('6h', 'CollectorSuccessStale', [staleFleet('5h 50m 0s')]),
      at('6h', 'CollectorSilent', []),
    ]);
  });

  it('hands over to CollectorSilent after the lookback without a gap; a new schedule gets silentFor to run', () => {
    const history = {
      // eStats "edge" is deployed but never ran; "default" runs throughout.
      [lastSuccess('akamai_estats', 'default')]: succeedsFor(1500),
      [lastSuccess('synthetic_telemetry', 'default')]: succeedsFor(10),
    };
    expectAlerts(RULES, history, [
      // The new schedule is pending for its first silentFor (10m)…
      at('9m', 'CollectorSilent', []),
      // …and fires once it passed without a success.
      at('11m', 'CollectorSilent', [silent('akamai_estats', 'edge')]),
      // The stopped fleet (last success at 10m) is stale while that success is within
      // successLookback + silentFor (1d10m)…
      at('1d20m', 'CollectorSuccessStale', [staleFleet('1d 0h 10m 0s')]),
      at('1d20m', 'CollectorSilent', [silent('akamai_estats', 'edge')]),
      // …and silent from the next step on: one of the two fires at every step.
      at('1d21m', 'CollectorSuccessStale', []),
      at('1d21m', 'CollectorSilent', [
        silent('akamai_estats', 'edge'),
        silent('synthetic_telemetry', 'default'),
      ]),
    ]);
  });

  it('watches only the schedules of the stage: a removed one falls silent unnoticed', () => {
    const history = {
      ...allRunning(60),
      // Removed from the stage file: its rules no longer name it.
      [lastSuccess('akamai_estats', 'retired')]: succeedsFor(10),
    };
    expectAlerts(RULES, history, [
      at('40m', 'CollectorSuccessStale', []),
      at('40m', 'CollectorSilent', []),
    ]);
  });

  it('the Pushgateway form misses the same stop: why remote write has its own rules', () => {
    // eStats runs every 2 minutes: 3 intervals are 6 minutes, longer than the 5 minutes an
    // ended series stays visible to an instant read of push_time_seconds.
    const pushTime = 'push_time_seconds{job="akamai_estats",cp_code="424242"}';
    const history = {
      ...allRunning(60),
      [pushTime]: succeedsFor(10),
      [lastSuccess('akamai_estats', 'default')]: succeedsFor(10),
    };
    const pushgatewayForm =
      build({ sinks: ['pushgateway'], schedules: {} }).files['rules.yml'] ?? '';
    const quiet = promtoolTest(pushgatewayForm, [
      {
        interval: '1m',
        input_series: inputSeries(history),
        alert_rule_test: [at('30m', 'CollectorGroupStale', [])],
      },
    ]);
    expectPasses(quiet);
    const caught = promtoolTest(RULES, [
      {
        interval: '1m',
        input_series: inputSeries(history),
        promql_expr_test: [
          {
            expr: 'count by (job, schedule) (ALERTS{alertname="CollectorSuccessStale",alertstate="firing"})',
            eval_time: '30m',
            exp_samples: [{ labels: '{job="akamai_estats",schedule="default"}', value: 1 }],
          },
        ],
      },
    ]);
    expectPasses(caught);
  });
});

describe('AkamaiEstatsSampleStale (promtool)', () => {
  const target = (cp: string) => `job="akamai_estats",cp_code="${cp}"`;
  const sampleTime = (cp: string) => `akamai_estats_sample_timestamp_seconds{${target(cp)}}`;
  const up = (cp: string) => `akamai_estats_up{${target(cp)}}`;
  const staleTarget = (cp: string, age: string) => ({
    exp_labels: { job: 'akamai_estats', cp_code: cp, team: 'cdn', ...common },
    exp_annotations: {
      summary: `The newest eStats sample of CP code ${cp} is ${age} old`,
      description: `The collector still delivers CP code ${cp}, but the newest eStats sample Akamai completed for it is ${age} old, more than 3 schedule intervals: its requests fail (then AkamaiEstatsTargetFailing says why) or Akamai serves an old sample. Its status-code alerts read old data.`,
      runbook_url: runbook('AkamaiEstatsSampleStale'),
    },
  });

  it('fires for a delivered target whose sample is old or missing, not for one no run delivers any more', () => {
    const history = {
      ...allRunning(60),
      // Fresh: each sample completed a minute before it was written.
      [sampleTime('1')]: '-60+60x60',
      [up('1')]: '1x60',
      // Akamai keeps serving the sample it completed at 0s.
      [sampleTime('2')]: '0x60',
      [up('2')]: '1x60',
      // Failing since 10m: still delivered (up 0), no sample since.
      [sampleTime('3')]: '0+60x10',
      [up('3')]: '1x10 0x50',
      // Removed at 10m, or its collector stopped: nothing of it arrives any more.
      [sampleTime('4')]: '0+60x10',
      [up('4')]: '1x10',
    };
    expectAlerts(RULES, history, [
      at('30m', 'AkamaiEstatsSampleStale', [
        staleTarget('2', '30m 0s'),
        staleTarget('3', '20m 0s'),
      ]),
    ]);
  });

  it('is muted by AkamaiEstatsTargetFailing of the same target', () => {
    const inhibit = remoteWrite.alertmanager.inhibit_rules.find((r) =>
      r.source_matchers.includes('alertname="AkamaiEstatsTargetFailing"'),
    );
    expect(inhibit?.target_matchers[0]).toContain('AkamaiEstatsSampleStale');
    expect(inhibit?.equal).toEqual(['cp_code', 'url', 'delivery', 'error_type']);
  });
});

describe('a stage writing to the Pushgateway and by remote write', () => {
  const both = build(scope(['pushgateway', 'remote-write']));

  it("keeps the Pushgateway's own alerts and reads staleness from sample times", () => {
    const names = alertNames(both.rules);
    expect(names).toEqual(
      expect.arrayContaining([
        'CollectorSuccessStale',
        'CollectorPushFailing',
        'PushgatewaysAllDown',
      ]),
    );
    expect(names).not.toContain('CollectorGroupStale');
  });

  it('fires once per schedule on copies from two Pushgateways and from remote write', () => {
    // The fleet stops after its run at 10m. The Pushgateways keep serving its last success,
    // scraped with their `instance`; its remote-written copy (no instance) just ends.
    const fleet = lastSuccess('synthetic_telemetry', 'default');
    const history = {
      ...scrapedFrom(['pg-a:9091', 'pg-b:9091'], { ...allRunning(60), [fleet]: '0+60x10 600x50' }),
      ...allRunning(60),
      [fleet]: succeedsFor(10),
    };
    const result = promtoolTest(both.files['rules.yml'] ?? '', [
      {
        interval: '1m',
        input_series: inputSeries(history),
        alert_rule_test: [
          at('12m', 'CollectorSuccessStale', []),
          at('30m', 'CollectorSuccessStale', [staleFleet('20m 0s')]),
        ],
      },
    ]);
    expectPasses(result);
  });
});

describe('CollectorGroupMissing: a Pushgateway that lost its groups while a collector is dead (promtool)', () => {
  const pushgateway = build(scope(['pushgateway']));
  const PUSH_RULES = pushgateway.files['rules.yml'] ?? '';
  const healthPush = (job: string, schedule: string) =>
    `push_time_seconds{job="${job}",schedule="${schedule}",instance="pg-a:9091"}`;
  const missingRunbook =
    pushgateway.rules.groups
      .flatMap((g) => g.rules)
      .filter(isAlertingRule)
      .find((r) => r.alert === 'CollectorGroupMissing')?.annotations.runbook_url ?? '';
  const missing = (job: string, schedule: string) => ({
    exp_labels: { job, schedule, team: 'observability', ...common },
    exp_annotations: {
      summary: `No Pushgateway holds the run-health group of ${job} ${schedule}`,
      description: `The schedule ${schedule} of ${job} is deployed in this stage, but no Pushgateway holds its run-health group (job and schedule), so CollectorGroupStale has nothing to read: a Pushgateway restarted without persistence or was wiped while the collector is not running, or the schedule never ran. Its series are missing, not stale.`,
      runbook_url: missingRunbook,
    },
  });
  // Every schedule pushes its health group each minute; at 10m the Pushgateway restarts
  // without persistence. The eStats collectors push again at once; the fleet's is dead.
  const history = {
    [healthPush('akamai_estats', 'default')]: succeedsFor(60),
    [healthPush('akamai_estats', 'edge')]: succeedsFor(60),
    [healthPush('synthetic_telemetry', 'default')]: succeedsFor(10),
  };

  it('fires for the schedule whose group is gone, after silentFor, and for no other', () => {
    expectAlerts(PUSH_RULES, history, [
      at('12m', 'CollectorGroupMissing', []),
      at('30m', 'CollectorGroupMissing', [missing('synthetic_telemetry', 'default')]),
      at('50m', 'CollectorGroupMissing', [missing('synthetic_telemetry', 'default')]),
    ]);
  });

  it('is the only alert that sees it: CollectorGroupStale has no group to read', () => {
    expectAlerts(PUSH_RULES, history, [at('50m', 'CollectorGroupStale', [])]);
  });

  it('is left out of rules rendered without a stage file (no schedules to watch)', () => {
    expect(alertNames(build({ sinks: ['pushgateway'], schedules: {} }).rules)).not.toContain(
      'CollectorGroupMissing',
    );
    expect(alertNames(pushgateway.rules)).toContain('CollectorGroupStale');
  });
});
