import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStageConfig } from '../../../src/deploy/stage';
import { expiredGroups } from '../../../src/janitor/janitor';
import { parseJanitorPolicy } from '../../../src/janitor/policy';
import type { PushgatewayGroup } from '../../../src/sinks/pushgateway/client';
import { DEPLOYABLE_SECTIONS } from '../../helpers/stageConfig';

const stageFile = (janitor: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'janitor-unit-')), 'prod.yml');
  writeFileSync(
    file,
    `estats:\n  - rate: rate(2 minutes)\n    input:\n      name: main\n      targets:\n        - cpCode: 1\nsynthetic:\n  - rate: rate(1 minute)\n    fleet: { name: lab, deviceCount: 1 }\n${janitor}${DEPLOYABLE_SECTIONS}`,
  );
  return file;
};

describe('the janitor policy of a stage file', () => {
  it('defaults to hourly, 24 h per job, keeping the deployed schedules', () => {
    expect(loadStageConfig(stageFile(''), 'prod').janitor).toEqual({
      rate: 'rate(1 hour)',
      enabled: true,
      policy: {
        stage: 'prod',
        dryRun: false,
        maxDeletesPerRun: 100,
        ttl: {
          akamai_estats: '24h',
          synthetic_telemetry: '24h',
          pushgate_scrape: '24h',
          akamai_traffic: '24h',
        },
        deployedSchedules: {
          akamai_estats: ['main'],
          synthetic_telemetry: ['lab'],
          pushgate_scrape: [],
          akamai_traffic: [],
        },
        targetJobs: {},
      },
    });
  });

  it('refuses a TTL shorter than its slowest schedule allows, naming it and the TTL that fits', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'janitor-unit-')), 'prod.yml');
    writeFileSync(
      file,
      `estats:\n  - rate: rate(30 minutes)\n    input:\n      name: slow\n      targets:\n        - cpCode: 1\n  - rate: rate(2 minutes)\n    input:\n      name: fast\n      targets:\n        - cpCode: 2\nsynthetic:\n  - rate: rate(10 minutes)\n    fleet: { name: lab, deviceCount: 1 }\njanitor:\n  ttl: { akamai_estats: 5m, synthetic_telemetry: 2m }\n${DEPLOYABLE_SECTIONS}`,
    );
    let message = '';
    try {
      loadStageConfig(file, 'prod');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      'the TTL of akamai_estats, 5m, is shorter than 6 intervals of its slowest eStats schedule, "slow" (every 30m)',
    );
    expect(message).toContain('give "akamai_estats: 3h" or more');
    expect(message).toContain('the TTL of synthetic_telemetry, 2m');
    expect(message).toContain('give "synthetic_telemetry: 1h" or more');
    // Each at its line: the ttl entries are on line 16.
    expect(message).toMatch(/prod\.yml:16:\d+: janitor\.ttl\.akamai_estats/);
  });

  it('accepts the TTL that fits exactly', () => {
    expect(
      loadStageConfig(
        stageFile('janitor:\n  ttl: { akamai_estats: 12m, synthetic_telemetry: 6m }\n'),
        'prod',
      ).janitor.policy.ttl,
    ).toMatchObject({ akamai_estats: '12m', synthetic_telemetry: '6m' });
  });

  it.each([
    [
      'a TTL that is no duration',
      'janitor:\n  ttl: { akamai_estats: one day }\n',
      'ttl.akamai_estats',
    ],
    ['a TTL of another job', 'janitor:\n  ttl: { node_exporter: 1h }\n', 'ttl'],
    ['a bound of 0', 'janitor:\n  maxDeletesPerRun: 0\n', 'maxDeletesPerRun'],
    ['an unknown key', 'janitor:\n  ttls: {}\n', 'ttls'],
  ])('refuses %s, naming the field', (_case, section, field) => {
    expect(() => loadStageConfig(stageFile(section), 'prod')).toThrow(field);
  });
});

describe('expired groups', () => {
  const policy = parseJanitorPolicy({
    stage: 'prod',
    ttl: { akamai_estats: '1h' },
    deployedSchedules: { akamai_estats: ['main'] },
  });
  /** A group pushed `pushedAgo` seconds before 10 000, marked as written by `stage`. */
  const group = (
    labels: Record<string, string>,
    pushedAgo: number | undefined,
    /** null: no mark. */
    stage: string | null = 'prod',
  ): PushgatewayGroup => ({
    labels,
    series: {
      ...(pushedAgo === undefined
        ? {}
        : { push_time_seconds: [{ labels: {}, value: String(10_000 - pushedAgo) }] }),
      ...(stage === null
        ? {}
        : {
            collector_group_owner_info: [
              { labels: { stage, schedules: labels.schedule ?? 'main' }, value: '1' },
            ],
          }),
    },
  });

  it('are the owned jobs’ groups past their TTL, oldest first, except a deployed schedule’s run health', () => {
    const expired = expiredGroups(
      [
        group({ job: 'akamai_estats', cp_code: '1' }, 4000),
        group({ job: 'akamai_estats', cp_code: '2' }, 9000),
        group({ job: 'akamai_estats', cp_code: '3' }, 60),
        group({ job: 'akamai_estats', schedule: 'main' }, 9000),
        group({ job: 'akamai_estats', schedule: 'gone' }, 9000),
        // No TTL for this job here, another job, an unreadable push time: left alone.
        group({ job: 'synthetic_telemetry', fleet: 'lab', device: 'd' }, 9000),
        group({ job: 'node', instance: 'x' }, 9000),
        group({ job: 'akamai_estats', cp_code: '4' }, undefined),
        // Another stage's groups, and a group of our job without our mark: never ours.
        group({ job: 'akamai_estats', cp_code: '5' }, 9000, 'staging'),
        group({ job: 'akamai_estats', schedule: 'gone-too' }, 9000, 'staging'),
        group({ job: 'akamai_estats', cp_code: '6' }, 9000, null),
      ],
      policy,
      10_000,
    );
    expect(expired.map((e) => [e.group, e.ageSeconds])).toEqual([
      ['{job="akamai_estats",cp_code="2"}', 9000],
      ['{job="akamai_estats",schedule="gone"}', 9000],
      ['{job="akamai_estats",cp_code="1"}', 4000],
    ]);
  });

  it('keeps the run-health group of a deployed schedule only when it is exactly {job, schedule}', () => {
    const expired = expiredGroups(
      [
        group({ job: 'akamai_estats', schedule: 'main' }, 9000),
        group({ job: 'akamai_estats', schedule: 'main', instance: 'x' }, 9000),
        group({ job: 'akamai_estats', schedule: 'main', cp_code: '1' }, 9000),
      ],
      policy,
      10_000,
    );
    expect(expired.map((e) => e.group)).toEqual([
      '{job="akamai_estats",schedule="main",instance="x"}',
      '{job="akamai_estats",schedule="main",cp_code="1"}',
    ]);
  });

  it("takes the scrape schedules' target groups, {job, instance} exactly, at the TTL of pushgate_scrape", () => {
    const scrapePolicy = parseJanitorPolicy({
      stage: 'prod',
      ttl: { pushgate_scrape: '1h' },
      deployedSchedules: { pushgate_scrape: ['switches'] },
      targetJobs: { snmp: 'pushgate_scrape' },
    });
    const expired = expiredGroups(
      [
        group({ job: 'snmp', instance: 'switch-01' }, 9000),
        group({ job: 'snmp', instance: 'switch-02' }, 60),
        // Not a target group of ours: another label, another job, a deployed schedule's health.
        group({ job: 'snmp', instance: 'switch-03', team: 'x' }, 9000),
        group({ job: 'node', instance: 'x' }, 9000),
        group({ job: 'pushgate_scrape', schedule: 'switches' }, 9000),
        group({ job: 'pushgate_scrape', schedule: 'gone' }, 9000),
      ],
      scrapePolicy,
      10_000,
    );
    expect(expired.map((e) => e.group)).toEqual([
      '{job="snmp",instance="switch-01"}',
      '{job="pushgate_scrape",schedule="gone"}',
    ]);
  });
});
