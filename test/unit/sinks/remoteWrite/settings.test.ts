import { remoteWriteOptionsFromEnv } from '../../../../src/sinks/remoteWrite/settings';
import { sinkNamesFromEnv } from '../../../../src/sinks/names';

describe('sinks and remote write from the environment', () => {
  it('defaults to the Pushgateway, and takes several sinks', () => {
    expect(sinkNamesFromEnv({})).toEqual(['pushgateway']);
    expect(sinkNamesFromEnv({ SINKS: 'remote-write, pushgateway' })).toEqual([
      'remote-write',
      'pushgateway',
    ]);
  });

  it('reads the receiver, its auth and tenant, and the limits', () => {
    const options = remoteWriteOptionsFromEnv({
      REMOTE_WRITE_URL: 'https://mimir.example.net/api/v1/push',
      REMOTE_WRITE_BEARER_TOKEN: 'tok',
      REMOTE_WRITE_TENANT: 'team-cdn',
      REMOTE_WRITE_MAX_BYTES: '65536',
    });
    expect(options).toMatchObject({
      url: new URL('https://mimir.example.net/api/v1/push'),
      auth: { kind: 'bearer', token: 'tok' },
      tenant: 'team-cdn',
      maxRequestBytes: 65536,
      concurrency: 4,
    });
    expect(options.sign).toBeUndefined();
    expect(
      remoteWriteOptionsFromEnv({
        REMOTE_WRITE_URL:
          'https://aps-workspaces.eu-central-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
        REMOTE_WRITE_SIGV4_REGION: 'eu-central-1',
      }).sign,
    ).toBeInstanceOf(Function);
  });

  it.each([
    [{ SINKS: 'graphite,kafka' }, 'SINKS="graphite,kafka" names unknown sink(s) kafka'],
    [{}, 'SINKS names remote-write, but REMOTE_WRITE_URL is not set'],
    [
      { REMOTE_WRITE_URL: 'http://u:p@x/api/v1/write' },
      'REMOTE_WRITE_URL http://***:***@x/api/v1/write must not hold credentials',
    ],
    [
      { REMOTE_WRITE_URL: 'http://a/api/v1/push,http://b/api/v1/push' },
      'REMOTE_WRITE_URL="http://a/api/v1/push,http://b/api/v1/push" lists several URLs; it takes one',
    ],
    [
      { REMOTE_WRITE_URL: 'http://x', REMOTE_WRITE_USERNAME: 'u' },
      'remote write basic auth in the environment: password is missing',
    ],
    [
      {
        REMOTE_WRITE_URL: 'http://x',
        REMOTE_WRITE_SIGV4_REGION: 'eu-central-1',
        REMOTE_WRITE_BEARER_TOKEN: 't',
      },
      'remote write: REMOTE_WRITE_SIGV4_REGION and REMOTE_WRITE_USERNAME/PASSWORD or _BEARER_TOKEN are both set; choose one',
    ],
    [
      { REMOTE_WRITE_URL: 'http://x', REMOTE_WRITE_MAX_BYTES: '10' },
      'REMOTE_WRITE_MAX_BYTES="10" must be an integer between 4096',
    ],
  ])('refuses %j, naming what is wrong', (env, message) => {
    expect(() => ('SINKS' in env ? sinkNamesFromEnv(env) : remoteWriteOptionsFromEnv(env))).toThrow(
      message,
    );
  });
});
