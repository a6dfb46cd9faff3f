import { estimateCost, formatCost, PRICES } from '../../../src/deploy/cost/estimate';
import { ESTATS_RUN_FIGURES } from '../../../src/deploy/stage/collectors/estatsBudget';
import { RUN_FIGURES } from '../../../src/deploy/cost/runFigures';
import { stageUsage } from '../../../src/deploy/cost/usage';
import { firingsPerMonth } from '../../../src/deploy/scheduleExpressions';
import { stageConfigOf } from '../../../src/deploy/stage';
import { checkedEstatsBudget } from '../../../src/deploy/stage';

/** A deployed stage of 300 CP codes over two API clients, every 2 minutes. */
function estate(functions = '') {
  const schedule = (client: string, first: number) => [
    '  - rate: rate(2 minutes)',
    `    client: ${client}`,
    '    input:',
    `      name: ${client}`,
    '      targets:',
    ...Array.from({ length: 150 }, (_, i) => `        - { cpCode: ${first + i} }`),
  ];
  return stageConfigOf(
    [
      'functions:',
      '  pushgatewayUrl: https://pushgateway.acme.test:9091',
      '  memorySize: 512',
      functions,
      'akamai:',
      '  clients:',
      '    retail: { secret: retail-edgegrid, rateLimitPerMinute: 300 }',
      '    media: { secret: media-edgegrid, rateLimitPerMinute: 300 }',
      'alerting: { routing: { oncall: false } }',
      'estats:',
      ...schedule('retail', 100_000),
      ...schedule('media', 200_000),
      'synthetic: []',
      'scrape: []',
    ].join('\n'),
    'config/prod.yml',
    'prod',
  );
}

describe('the cost estimate packaging prints', () => {
  it('counts a schedule’s firings in a billing month of 730 hours', () => {
    expect(firingsPerMonth('rate(2 minutes)')).toBe(21_900);
    expect(firingsPerMonth('rate(1 hour)')).toBe(730);
    expect(firingsPerMonth('rate(1 day)')).toBe(31);
    // Weekdays at 08:00 UTC from 1 January 2027 (a Friday) for 30.4 days: 21 of them.
    expect(firingsPerMonth('cron(0 8 ? * MON-FRI *)')).toBe(21);
  });

  it('bills eStats for its budget-paced worst run, the time it waits for the budget included', () => {
    const config = estate();
    const estats = stageUsage(config).find((u) => u.fn === 'estats');
    const table = checkedEstatsBudget(config, Number(config.settings.estatsTimeout));
    const worst = (schedule: string) =>
      Number(new RegExp(`^ +${schedule} .* (\\d+) s +yes$`, 'm').exec(table)?.[1]);
    expect(worst('retail')).toBeGreaterThan(10);
    expect(estats?.runs).toBe(2 * 21_900);
    expect(estats?.seconds).toBeCloseTo(21_900 * (worst('retail') + worst('media')), -4);
    expect(estats?.memoryMb).toBe(512);
    // Each schedule's client secret, read once per 300 s cache: 8,760 times a month.
    expect(estats?.secretCalls).toBe(2 * 8_760);
    expect(estats?.samples).toBe(
      2 * 21_900 * (RUN_FIGURES.healthGroupSamples + 150 * ESTATS_RUN_FIGURES.samplesPerTarget),
    );
  });

  it('prices each part at the region’s list prices: arm64 a fifth cheaper per GB-second', () => {
    const usage = [
      {
        fn: 'estats' as const,
        runs: 1_000_000,
        seconds: 2_000_000,
        memoryMb: 512,
        secretCalls: 20_000,
        logBytes: 2 * 1024 ** 3,
        samples: 1e8,
        s3Gets: 0,
        basis: ['x'],
      },
    ];
    const at = (architecture: 'arm64' | 'x86_64', amp = false) =>
      estimateCost({ usage, region: 'us-east-1', architecture, amp, vpc: false }).costs[0]?.parts;
    const part = (parts: ReturnType<typeof at>, what: string) =>
      parts?.find((p) => p.what === what)?.cost;
    // 2,000,000 s at 0.5 GB = 1,000,000 GB-s.
    expect(part(at('arm64'), 'compute')).toBeCloseTo(13.3334, 3);
    expect(part(at('x86_64'), 'compute')).toBeCloseTo(16.6667, 3);
    expect(part(at('arm64'), 'requests')).toBeCloseTo(0.2, 6);
    expect(part(at('arm64'), 'secrets')).toBeCloseTo(0.1, 6);
    expect(part(at('arm64'), 'logs')).toBeCloseTo(2 * (0.5 + 0.03), 6);
    expect(part(at('arm64'), 'AMP')).toBeUndefined();
    expect(part(at('arm64', true), 'AMP')).toBeCloseTo(9, 6);
  });

  it('says its date, its region, and what it leaves out', () => {
    const config = estate();
    const text = formatCost({
      usage: stageUsage(config),
      region: 'eu-central-1',
      architecture: 'arm64',
      amp: false,
      vpc: false,
    });
    expect(text).toContain(`USD at eu-central-1 list prices of ${PRICES.date}`);
    expect(text).toContain('an estimate, not a bill');
    expect(text).toMatch(/^ {2}estats +\$\d+\.\d\d$/m);
    expect(text).toMatch(/^ {2}total +\$\d+\.\d\d$/m);
    expect(text).toContain('retail: 21,900 runs ×');
    expect(text).not.toContain('AMP');
    expect(text).not.toContain('NAT gateway');

    const elsewhere = formatCost({
      usage: stageUsage(config),
      region: 'ap-southeast-2',
      architecture: 'x86_64',
      amp: true,
      vpc: true,
    });
    expect(elsewhere).toContain("the list has no ap-southeast-2: us-east-1's prices shown");
    expect(elsewhere).toMatch(/AMP +\$\d+\.\d\d {2}[\d,]+ samples ingested/);
    expect(elsewhere).toContain('not included: the NAT gateway');
    expect(elsewhere).toContain('at 512 MB x86_64');
  });
});
