import { join } from 'node:path';
import { parseSchedule } from '../../../src/deploy/scheduleExpressions';
import { readScheduledFunctions } from '../../../dev/local/serverlessSchedules';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('schedule expressions', () => {
  it('runs rate() on the interval grid', () => {
    const every2 = parseSchedule('rate(2 minutes)');
    expect(iso(every2.next(at('2026-11-20T10:00:30Z')))).toBe('2026-11-20T10:02:00.000Z');
    expect(iso(every2.next(at('2026-11-20T10:02:00Z')))).toBe('2026-11-20T10:04:00.000Z');
    expect(iso(parseSchedule('rate(1 day)').next(at('2026-11-20T10:00:00Z')))).toBe(
      '2026-11-21T00:00:00.000Z',
    );
  });

  it('runs cron() in UTC with steps, ranges, lists and names', () => {
    expect(iso(parseSchedule('cron(0/15 * * * ? *)').next(at('2026-11-20T10:07:00Z')))).toBe(
      '2026-11-20T10:15:00.000Z',
    );
    expect(iso(parseSchedule('cron(30 8 ? * MON-FRI *)').next(at('2026-11-21T09:00:00Z')))).toBe(
      '2026-11-23T08:30:00.000Z',
    );
    expect(iso(parseSchedule('cron(0 0 1 JAN,JUL ? *)').next(at('2026-11-20T00:00:00Z')))).toBe(
      '2027-01-01T00:00:00.000Z',
    );
  });

  it.each([
    ['rate(1 minutes)', 'use "rate(1 minute)"'],
    ['rate(5 minute)', 'use "rate(1 minute)"'],
    ['cron(0 12 * * * *)', 'one of day-of-month and day-of-week must be "?"'],
    ['cron(0 12 L * ? *)', 'is not supported locally'],
    ['cron(61 * * * ? *)', '"61" is out of range 0-59'],
    ['every 5 minutes', 'is neither rate(...) nor cron(...)'],
  ])('refuses %s', (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(message);
  });
});

describe('scheduled functions of serverless.yml', () => {
  const root = join(__dirname, '..', '..', '..');
  const functions = readScheduledFunctions(
    join(root, 'serverless.yml'),
    join(root, 'config', 'local.yml'),
  );

  it('lists every schedule with its handler and timeout', () => {
    expect(
      functions.map((f) => [f.name, f.handler, f.schedule.expression, f.timeoutSeconds]),
    ).toEqual([
      ['estats', 'src/handlers/estats.handler', 'rate(2 minutes)', 110],
      ['synthetic', 'src/handlers/synthetic.handler', 'rate(1 minute)', 50],
      ['scrape', 'src/handlers/scrape.handler', 'rate(1 minute)', 50],
      ['scrape', 'src/handlers/scrape.handler', 'rate(1 minute)', 50],
      ['traffic', 'src/handlers/traffic.handler', 'rate(5 minutes)', 120],
      ['janitor', 'src/handlers/janitor.handler', 'rate(1 hour)', 60],
      ['exportAlerting', 'src/handlers/export-alerting.handler', 'rate(1 day)', 30],
    ]);
  });

  it('delivers what EventBridge would: constant input, or the template filled with the tick time', () => {
    const time = new Date('2026-11-20T10:00:00Z');
    expect(functions[0]?.event(time)).toMatchObject({
      time: '2026-11-20T10:00:00Z',
      schedule: {
        name: 'default',
        intervalSeconds: 120,
        targets: [{ cpCode: 424242 }, { url: expect.any(String) }],
      },
    });
    expect(functions[1]?.event(time)).toMatchObject({
      time: '2026-11-20T10:00:00Z',
      intervalSeconds: 60,
      fleet: { name: 'default', deviceCount: 2 },
    });
    expect(functions[2]?.event(time)).toMatchObject({
      time: '2026-11-20T10:00:00Z',
      schedule: { name: 'switches', job: 'snmp', intervalSeconds: 60 },
    });
    expect(functions[3]?.event(time)).toMatchObject({
      schedule: {
        name: 'probes',
        job: 'blackbox',
        targets: [{ params: { module: 'akamai_api' } }],
      },
    });
    expect(functions[4]?.event(time)).toMatchObject({
      time: '2026-11-20T10:00:00Z',
      schedule: {
        name: 'cdn',
        intervalSeconds: 300,
        // Its share of the account's Reporting budget, set when packaging.
        requestsPerMinute: 108,
        targets: [{ cpCode: 424242, name: 'example-images' }, {}, {}],
      },
    });
    expect(functions[5]?.event(time)).toMatchObject({
      stage: 'local',
      ttl: {
        akamai_estats: '24h',
        synthetic_telemetry: '24h',
        pushgate_scrape: '24h',
        akamai_traffic: '24h',
      },
      deployedSchedules: {
        akamai_estats: ['default'],
        synthetic_telemetry: ['default'],
        pushgate_scrape: ['switches', 'probes'],
        akamai_traffic: ['cdn'],
      },
      targetJobs: { snmp: 'pushgate_scrape', blackbox: 'pushgate_scrape' },
    });
    expect(functions[6]?.event(time)).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: '2026-11-20T10:00:00Z',
    });
  });
});
