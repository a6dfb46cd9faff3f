import { parseEstatsSchedule } from '../../../src/akamai/targets';
import { burnRateThreshold } from '../../../src/alerting/rules/slo';
import { parseSlos } from '../../../src/alerting/slo';

const schedules = [
  parseEstatsSchedule({
    name: 'main',
    targets: [
      { cpCode: 1, delivery: 'STANDARD_TLS' },
      { cpCode: 1, delivery: 'ENHANCED_TLS' },
      { url: 'https://a.test/x' },
    ],
  }),
  parseEstatsSchedule({ name: 'other', targets: [{ cpCode: 2 }] }),
];
const parse = (slos: unknown) => parseSlos(slos, schedules, 'config/x.yml');

describe('SLO definitions', () => {
  it('resolve a schedule to its CP codes and URLs, with defaults and overrides', () => {
    const [slo] = parse([
      {
        name: 'edge',
        objective: 0.995,
        schedule: 'main',
        overrides: [{ url: 'https://a.test/x', objective: 0.99 }],
      },
    ]);
    expect(slo).toEqual({
      name: 'edge',
      direction: 'edge',
      window: '30d',
      objective: 0.995,
      // CP code 1 is collected with two delivery types: one subject, both series.
      targets: [
        { subject: { cpCode: 1 }, objective: 0.995 },
        { subject: { url: 'https://a.test/x' }, objective: 0.99 },
      ],
    });
  });

  it('default to none', () => {
    expect(parse(undefined)).toEqual([]);
  });

  it.each([
    [
      'an objective given in percent',
      [{ name: 'a', objective: 99.5, targets: [{ cpCode: 1 }] }],
      'slos[0].objective: must be a ratio strictly between 0 and 1, e.g. 0.995 for 99.5 %',
    ],
    [
      'an objective of 1 (no budget at all)',
      [{ name: 'a', objective: 1, targets: [{ cpCode: 1 }] }],
      'strictly between 0 and 1',
    ],
    [
      'a window other than 28d or 30d',
      [{ name: 'a', objective: 0.9, window: '7d', targets: [{ cpCode: 1 }] }],
      'slos[0].window',
    ],
    [
      'a target no schedule collects',
      [{ name: 'a', objective: 0.9, targets: [{ cpCode: 3 }] }],
      'slos[0] (a).targets[0]: cpCode 3 is in no eStats schedule',
    ],
    [
      'an unknown schedule',
      [{ name: 'a', objective: 0.9, schedule: 'nope' }],
      'schedule "nope" is not an eStats schedule of this stage',
    ],
    [
      'both a schedule and targets',
      [{ name: 'a', objective: 0.9, schedule: 'main', targets: [{ cpCode: 1 }] }],
      'needs exactly one of "schedule" or "targets"',
    ],
    [
      'a target with both cpCode and url',
      [{ name: 'a', objective: 0.9, targets: [{ cpCode: 1, url: 'https://a.test/x' }] }],
      'targets[0]: needs exactly one of "cpCode" or "url"',
    ],
    [
      'an override of a target the SLO does not cover',
      [
        {
          name: 'a',
          objective: 0.9,
          targets: [{ cpCode: 1 }],
          overrides: [{ cpCode: 2, objective: 0.8 }],
        },
      ],
      "overrides[0]: cpCode 2 is not one of this SLO's targets",
    ],
    [
      'two SLOs of the same name',
      [
        { name: 'a', objective: 0.9, targets: [{ cpCode: 1 }] },
        { name: 'a', objective: 0.8, targets: [{ cpCode: 2 }] },
      ],
      'another SLO is named "a"',
    ],
    [
      'a name that is no label value to read',
      [{ name: 'Edge SLO', objective: 0.9, targets: [{ cpCode: 1 }] }],
      'slos[0].name',
    ],
  ])('refuse %s, naming the field', (_case, slos, message) => {
    expect(() => parse(slos)).toThrow(message);
  });
});

describe('burn-rate thresholds', () => {
  it('are the SRE workbook’s for 30 days and scale with the window', () => {
    expect(burnRateThreshold('30d', '1h', 0.02)).toBe(14.4);
    expect(burnRateThreshold('30d', '6h', 0.05)).toBe(6);
    expect(burnRateThreshold('30d', '1d', 0.1)).toBe(3);
    expect(burnRateThreshold('30d', '3d', 0.1)).toBe(1);
    expect(burnRateThreshold('28d', '1h', 0.02)).toBe(13.44);
  });
});
