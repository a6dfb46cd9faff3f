import {
  describeTarget,
  estatsRequestBody,
  parseEstatsSchedule,
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
    [{ targets: [{ cpCode: 1 }, { cpCode: 1 }] }, 'targets[1] repeats targets[0] (cpCode 1)'],
  ])('refuses %j, naming the field', (input, expected) => {
    expect(() => parseEstatsSchedule(input)).toThrow(expected);
  });

  it('builds the API request body and a readable description', () => {
    expect(estatsRequestBody({ url: 'https://a/', delivery: 'STANDARD_TLS' })).toEqual({
      url: 'https://a/',
      delivery: 'STANDARD_TLS',
    });
    expect(describeTarget({ cpCode: 5, errorType: 'EDGE_ERRORS' })).toBe('cpCode 5 (EDGE_ERRORS)');
  });
});
