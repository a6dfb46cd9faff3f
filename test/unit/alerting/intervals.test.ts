import { join } from 'node:path';
import { parseSchedule } from '../../../src/deploy/scheduleExpressions';
import { DEFAULT_ALERTING_CONFIG } from '../../../src/alerting/config';
import { loadStageConfig } from '../../../src/deploy/stage';
import { JOB } from '../../../src/metrics/catalogue';

/**
 * The stale-group alerts count missed runs in schedule intervals, which the alerting config
 * states in seconds. They must be the intervals the schedules really have (config/local.yml,
 * the example every stage starts from): the slowest schedule of each collector.
 */
function intervalSeconds(rate: string): number {
  const schedule = parseSchedule(rate);
  const first = schedule.next(0);
  return (schedule.next(first) - first) / 1000;
}

it("states each collector's schedule interval as config/local.yml schedules it", () => {
  const stage = loadStageConfig(join(__dirname, '..', '..', '..', 'config', 'local.yml'), 'local');
  expect(DEFAULT_ALERTING_CONFIG.collectors.intervals).toEqual({
    [JOB.estats]: Math.max(...stage.estats.map((s) => intervalSeconds(s.rate))),
    [JOB.synthetic]: Math.max(...stage.synthetic.map((s) => intervalSeconds(s.rate))),
  });
});
