import {
  describeTarget,
  estatsRequestBody,
  parseEstatsSchedule,
  targetWarnings,
} from '../../../src/akamai/targets';

describe('eStats schedule input', () => {
  it('accepts CP codes and URLs with optional filters and fills defaults', () => {
    const schedule = parseEstatsSchedule({
      targets: [
        { cpCode: 1, delivery: 'ENHANCED_TLS' },
        { url: 'https://x.example/a?b=1', errorType: 'ORIGIN_ERRORS' },
      ],
      accountSwitchKey: '1-ABC',
    });
    expect(schedule).toEqual({
      name: 'default',
      topEdgeIps: 5,
      accountSwitchKey: '1-ABC',
      targets: [
        { cpCode: 1, delivery: 'ENHANCED_TLS' },
        { url: 'https://x.example/a?b=1', errorType: 'ORIGIN_ERRORS' },
      ],
    });
  });

  it.each([
    [{ targets: [] }, 'targets: list at least one target'],
    [
      { targets: [{ cpCode: 1, url: 'https://a/' }] },
      'targets[0]: a target needs exactly one of "cpCode"',
    ],
    [{ targets: [{ cpCode: -1 }] }, 'targets[0]'],
    [{ targets: [{ url: 'ftp://a/' }] }, 'targets[0]'],
    [{ targets: [{ cpCode: 1, delivery: 'FAST' }] }, 'targets[0]'],
    [{ targets: [{ cpCode: 1 }], topEdgeIps: 500 }, 'topEdgeIps'],
    [{ targets: [{ cpCode: 1 }], name: 'has space' }, 'name'],
    [{ targets: [{ cpCode: 1 }], tragets: [] }, 'tragets'],
    [{ targets: [{ cpCode: 0 }] }, 'targets[0].cpCode: a CP code is a positive integer'],
    [{ targets: [{ cpCode: 2 ** 31 }] }, 'targets[0].cpCode: a CP code is at most 2147483647'],
    [
      { targets: [{ cpCode: 1 }, { cpCode: 1 }] },
      'targets[1] (cpCode 1) reads the same traffic as targets[0] (cpCode 1)',
    ],
    [
      { targets: [{ cpCode: 7, delivery: 'STANDARD_TLS' }, { cpCode: 7 }] },
      'targets[1] (cpCode 7) reads the same traffic as targets[0] (cpCode 7 (STANDARD_TLS))',
    ],
    [
      { targets: [{ cpCode: 7 }, { cpCode: 7, errorType: 'EDGE_ERRORS' }] },
      'targets[1] (cpCode 7 (EDGE_ERRORS)) reads the same traffic as targets[0] (cpCode 7)',
    ],
    [
      { targets: [{ url: 'https://a.example/shop' }, { url: 'https://a.example/shop/' }] },
      'targets[1] (url https://a.example/shop/) reads the same traffic as targets[0] (url https://a.example/shop)',
    ],
    [
      { targets: [{ url: 'https://A.example:443/x?q=1' }, { url: 'https://a.example/x?q=1' }] },
      'reads the same traffic as targets[0] (url https://A.example:443/x?q=1)',
    ],
    [
      { targets: [{ url: 'https://user:hunter2@a.example/x' }] },
      'targets[0] url https://***:***@a.example/x holds credentials',
    ],
  ])('refuses %j, naming the field', (input, expected) => {
    expect(() => parseEstatsSchedule(input)).toThrow(expected);
    expect(() => parseEstatsSchedule(input)).not.toThrow('hunter2');
  });

  it('keeps targets that read different traffic of one CP code or URL', () => {
    const targets = [
      { cpCode: 7, delivery: 'STANDARD_TLS' as const },
      { cpCode: 7, delivery: 'ENHANCED_TLS' as const },
      { url: 'https://a.example/x', errorType: 'EDGE_ERRORS' as const },
      { url: 'https://a.example/x', errorType: 'ORIGIN_ERRORS' as const },
      { url: 'https://a.example/x?page=2' },
    ];
    expect(parseEstatsSchedule({ targets }).targets).toEqual(targets);
  });

  it('warns about query parameters that look like secrets, naming them', () => {
    const schedule = parseEstatsSchedule({
      targets: [{ url: 'https://a.example/x?lang=en&token=abc&X-Amz-Signature=1' }, { cpCode: 1 }],
    });
    expect(targetWarnings(schedule, 'estats[0].input')).toEqual([
      'estats[0].input: targets[0] url has query parameters token, X-Amz-Signature, whose value looks like a secret; it becomes a Pushgateway label, log fields and alert text',
    ]);
    expect(
      targetWarnings(
        parseEstatsSchedule({ targets: [{ url: 'https://a/?lang=en&monkey=1' }] }),
        'x',
      ),
    ).toEqual([]);
  });

  it('builds the API request body and a readable description', () => {
    expect(estatsRequestBody({ url: 'https://a/', delivery: 'STANDARD_TLS' })).toEqual({
      url: 'https://a/',
      delivery: 'STANDARD_TLS',
    });
    expect(describeTarget({ cpCode: 5, errorType: 'EDGE_ERRORS' })).toBe('cpCode 5 (EDGE_ERRORS)');
  });
});
