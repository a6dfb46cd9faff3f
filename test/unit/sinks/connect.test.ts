import { connectSinks } from '../../../src/sinks/connect';
import { NO_DEADLINE } from '../../../src/shared/deadline';

/** What connecting warns about, no request sent (no secret named). */
async function warningsOf(env: Record<string, string>): Promise<string[]> {
  const warnings: string[] = [];
  await connectSinks(env, NO_DEADLINE, {
    warn: (message) => warnings.push(message),
    info: () => {},
  });
  return warnings;
}

describe('connecting the sinks', () => {
  it('warns when credentials would travel over plain http:// to another host', async () => {
    expect(
      await warningsOf({
        SINKS: 'pushgateway,remote-write',
        PUSHGATEWAY_URL: 'http://pgw.example.net:9091,https://pgw-b.example.net',
        PUSHGATEWAY_USERNAME: 'collector',
        PUSHGATEWAY_PASSWORD: 'pgw-password',
        REMOTE_WRITE_URL: 'http://mimir.example.net/api/v1/push',
        REMOTE_WRITE_BEARER_TOKEN: 'rw-token-123',
      }),
    ).toEqual([
      'Pushgateway http://pgw.example.net:9091: credentials are sent over plain http:// to a host that is not this machine, readable by anyone on the network path; use https://',
      'remote write http://mimir.example.net: credentials are sent over plain http:// to a host that is not this machine, readable by anyone on the network path; use https://',
    ]);
  });

  it.each([
    ['no credentials', { PUSHGATEWAY_URL: 'http://pgw.example.net:9091' }],
    [
      'https',
      {
        PUSHGATEWAY_URL: 'https://pgw.example.net',
        PUSHGATEWAY_BEARER_TOKEN: 'pgw-token-123',
      },
    ],
    [
      'loopback',
      {
        PUSHGATEWAY_URL: 'http://127.0.0.1:9091,http://localhost:9092,http://[::1]:9093',
        PUSHGATEWAY_BEARER_TOKEN: 'pgw-token-123',
      },
    ],
  ])('says nothing with %s', async (_case, env) => {
    expect(await warningsOf({ SINKS: 'pushgateway', ...env })).toEqual([]);
  });
});
