import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ALERTING_CONFIG } from '../../../src/deploy/stage/alerting';
import { intervalSeconds } from '../../../src/deploy/scheduleExpressions';
import { loadStageConfig } from '../../../src/deploy/stage';
import { JOB } from '../../../src/metrics/catalogue';
import { REPO_ROOT } from '../../helpers/runProcess';

/**
 * The stale-group alerts count missed runs in schedule intervals. A stage's rules take them
 * from its own schedules: the longest gap of each job's enabled schedules.
 */
it("states each collector's schedule interval as config/local.yml schedules it", () => {
  const stage = loadStageConfig(join(REPO_ROOT, 'config', 'local.yml'), 'local');
  const longest = (rates: string[]) => Math.max(...rates.map((r) => intervalSeconds(r).longest));
  expect(DEFAULT_ALERTING_CONFIG.collectors.intervals).toEqual({
    [JOB.estats]: longest(stage.estats.map((s) => s.rate)),
    [JOB.synthetic]: longest(stage.synthetic.map((s) => s.rate)),
    [JOB.scrape]: longest(stage.scrape.map((s) => s.rate)),
    [JOB.traffic]: longest(stage.traffic.map((s) => s.rate)),
  });
  expect(stage.alerting.collectors.intervals).toEqual(DEFAULT_ALERTING_CONFIG.collectors.intervals);
});

it.each([
  ['rate(10 minutes)', 600, 600],
  ['rate(1 hour)', 3600, 3600],
  // Every 5 minutes on weekdays: a weekend without runs is its longest gap.
  ['cron(0/5 * ? * MON-FRI *)', 300, 2 * 86_400 + 300],
  // At :00 and :10 each hour.
  ['cron(0,10 * * * ? *)', 600, 3000],
])('%s fires at least every %i s and at most %i s apart', (rate, shortest, longest) => {
  expect(intervalSeconds(rate)).toEqual({ shortest, longest });
});

it("derives a stage's staleness from its slowest enabled schedule of each job", () => {
  const file = join(mkdtempSync(join(tmpdir(), 'intervals-')), 'stage.yml');
  const schedule = (rate: string, name: string, enabled = true) =>
    `  - rate: ${rate}\n    enabled: ${enabled}\n    input: { name: ${name}, targets: [{ cpCode: 424242 }] }\n`;
  writeFileSync(
    file,
    `estats:\n${schedule('rate(2 minutes)', 'fast')}${schedule('rate(10 minutes)', 'slow')}${schedule('rate(1 day)', 'off', false)}`,
  );
  const { intervals } = loadStageConfig(file, 'local').alerting.collectors;
  // No synthetic, scrape or traffic schedule: those jobs keep their defaults.
  expect(intervals).toEqual({
    [JOB.estats]: 600,
    [JOB.synthetic]: DEFAULT_ALERTING_CONFIG.collectors.intervals[JOB.synthetic],
    [JOB.scrape]: DEFAULT_ALERTING_CONFIG.collectors.intervals[JOB.scrape],
    [JOB.traffic]: DEFAULT_ALERTING_CONFIG.collectors.intervals[JOB.traffic],
  });
});
