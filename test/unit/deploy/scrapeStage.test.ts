import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkedScrapeBudget,
  loadStageConfig,
  maximumEventAges,
  scheduleEvents,
  collectorSecrets,
} from '../../../src/deploy/stage';
import { DEPLOYABLE_SECTIONS } from '../../helpers/stageConfig';

const dir = mkdtempSync(join(tmpdir(), 'scrape-stage-'));
let files = 0;
const stage = (scrape: string) => {
  const path = join(dir, `stage-${files++}.yml`);
  writeFileSync(path, `scrape:\n${scrape}${DEPLOYABLE_SECTIONS}`);
  return path;
};
const schedule = (input: string, rate = 'rate(1 minute)') =>
  `  - rate: ${rate}\n    input: ${input}\n`;
const TARGET = "{ url: 'https://exporter.acme.test:9116/snmp', params: { target: 10.0.0.1 } }";

describe("a stage file's scrape schedules", () => {
  it('become schedule events with the tick time and the interval, and name their secrets', () => {
    const config = loadStageConfig(
      stage(
        schedule(
          `{ name: core, job: snmp, targets: [{ url: 'https://exporter.acme.test:9116/snmp', params: { target: 10.0.0.1 }, auth: { secret: pgc/snmp }, tls: { secret: pgc/ca } }] }`,
          'rate(2 minutes)',
        ),
      ),
      'prod',
    );
    const [event] = scheduleEvents(config, (fn, s) => `svc-${fn}-${s}`).scrape;
    expect(event?.schedule).toMatchObject({ name: 'svc-scrape-core', rate: 'rate(2 minutes)' });
    const template = event?.schedule.inputTransformer?.inputTemplate ?? '';
    expect(JSON.parse(template.replace('<time>', '"2026-01-01T00:00:00Z"'))).toMatchObject({
      time: '2026-01-01T00:00:00Z',
      schedule: { name: 'core', job: 'snmp', intervalSeconds: 120 },
    });
    expect(maximumEventAges(config).scrape).toBe(120);
    expect(collectorSecrets(config)).toEqual({
      estats: [],
      synthetic: [],
      scrape: ['pgc/ca', 'pgc/snmp'],
      traffic: [],
    });
    expect(config.janitor.policy.targetJobs).toEqual({ snmp: 'pushgate_scrape' });
  });

  it.each([
    [
      'two schedules of one job',
      schedule(`{ name: a, job: snmp, targets: [${TARGET}] }`) +
        schedule(`{ name: b, job: snmp, targets: [${TARGET}] }`),
      'scrape[0] has job "snmp" too',
    ],
    [
      'a job of this product',
      schedule(`{ name: a, job: akamai_estats, targets: [${TARGET}] }`),
      "is one of this product's own jobs",
    ],
    [
      'the job of the Pushgateways',
      schedule(`{ name: a, job: pushgateway, targets: [${TARGET}] }`),
      'the job Prometheus scrapes the Pushgateways as',
    ],
    [
      'a target on this machine',
      schedule(`{ name: a, targets: [{ url: 'http://127.0.0.1:9100/metrics' }] }`),
      'is this machine',
    ],
    [
      'a target on an example domain',
      schedule(`{ name: a, targets: [{ url: 'http://exporter.example.com:9100/metrics' }] }`),
      'is an example domain',
    ],
    [
      'accepting any certificate',
      schedule(
        `{ name: a, targets: [{ url: 'https://exporter.acme.test/metrics', tls: { insecureSkipVerify: true } }] }`,
      ),
      'tls.insecureSkipVerify: would accept any certificate',
    ],
  ])('refuses %s on a deployed stage', (_case, text, message) => {
    expect(() => loadStageConfig(stage(text), 'prod')).toThrow(message);
  });

  it('lets the local stage fetch this machine', () => {
    const config = loadStageConfig(
      stage(schedule(`{ name: a, targets: [{ url: 'http://127.0.0.1:9100/metrics' }] }`)),
      'local',
    );
    expect(config.scrape[0]?.input.targets).toHaveLength(1);
  });

  it('checks the worst case against the function timeout, and says what would fit', () => {
    const targets = Array.from(
      { length: 40 },
      (_, i) => `{ url: 'https://exporter.acme.test:9116/snmp', params: { target: 10.0.0.${i} } }`,
    ).join(', ');
    const config = loadStageConfig(
      stage(schedule(`{ name: big, concurrency: 4, timeoutSeconds: 10, targets: [${targets}] }`)),
      'prod',
    );
    expect(() => checkedScrapeBudget(config, 50)).toThrow(
      'scrape schedule big: 40 targets, 4 at once, at most 10 s each: 100 s at worst, of 47 s',
    );
    expect(() => checkedScrapeBudget(config, 50)).toThrow(
      expect.objectContaining({
        hint: expect.stringContaining('raise its concurrency to 10 or more'),
      }),
    );
    expect(checkedScrapeBudget(config, 120)).toContain('100 s at worst, of 117 s');
  });
});
