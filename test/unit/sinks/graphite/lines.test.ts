import { carbonOptionsFromEnv } from '../../../../src/sinks/graphite/settings';
import { plaintextLines } from '../../../../src/sinks/graphite/lines';

const series = (labels: Record<string, string>, value: number) => ({
  labels: Object.entries(labels).map(([name, v]) => ({ name, value: v })),
  samples: [{ value, timestampMs: 1_763_900_000_999 }],
});

describe('Graphite plaintext lines', () => {
  it('writes name;sorted tags value seconds, with what Graphite forbids replaced', () => {
    expect(
      plaintextLines([
        series({ __name__: 'akamai_estats_up', job: 'akamai_estats', url: 'https://x/a?b=1' }, 1),
        series({ __name__: 'm', 'we;ird!': 'a b;c', tilde: '~x', empty: '' }, 0.25),
      ]),
    ).toEqual([
      'akamai_estats_up;job=akamai_estats;url=https://x/a?b=1 1 1763900000',
      'm;tilde=_x;we_ird_=a_b_c 0.25 1763900000',
    ]);
  });

  it('leaves out values Graphite cannot hold', () => {
    expect(
      plaintextLines([series({ __name__: 'm' }, Number.NaN), series({ __name__: 'n' }, Infinity)]),
    ).toEqual([]);
  });

  it('reads GRAPHITE_HOST as host or host:port, and refuses a URL', () => {
    expect(carbonOptionsFromEnv({ GRAPHITE_HOST: 'carbon.internal' })).toMatchObject({
      host: 'carbon.internal',
      port: 2003,
    });
    expect(carbonOptionsFromEnv({ GRAPHITE_HOST: '10.0.0.5:2013' })).toMatchObject({ port: 2013 });
    expect(() => carbonOptionsFromEnv({ GRAPHITE_HOST: 'tcp://carbon:2003' })).toThrow(
      'GRAPHITE_HOST="tcp://carbon:2003" must be host or host:port',
    );
    expect(() => carbonOptionsFromEnv({})).toThrow(
      'SINKS names graphite, but GRAPHITE_HOST is not set',
    );
  });
});
