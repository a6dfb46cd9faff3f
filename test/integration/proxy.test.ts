import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetSecretsForTests } from '../../src/aws/secrets';
import type { EstatsRunSummary } from '../../src/collectors/estats';
import { handler as estatsHandler } from '../../src/handlers/estats';
import { RealTinyproxy } from '../../dev/realTinyproxy';
import { STANDIN_CLIENT } from '../../dev/simulators/akamai/standin';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../dev/simulators/secretsManager';
import { useEstatsStack } from '../helpers/estatsStack';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * A function deployed where the way out is a forward proxy: HTTPS_PROXY / HTTP_PROXY /
 * NO_PROXY, honoured by our transport and by the AWS SDK's clients. The proxy is the real
 * tinyproxy from Debian; its log shows what went through it: a CONNECT tunnel to the Akamai
 * stand-in (HTTPS), the plain requests to the Pushgateway and to Secrets Manager (HTTP).
 */
const stack = useEstatsStack();
let proxy: RealTinyproxy;
let secretsManager: SecretsManagerStandin;

beforeAll(async () => {
  proxy = await RealTinyproxy.start();
  secretsManager = await startSecretsManagerStandin();
  secretsManager.secrets.set(
    'akamai',
    JSON.stringify({
      host: stack.akamai.host,
      client_token: STANDIN_CLIENT.clientToken,
      client_secret: STANDIN_CLIENT.clientSecret,
      access_token: STANDIN_CLIENT.accessToken,
    }),
  );
});
afterAll(async () => {
  await proxy?.stop();
  await secretsManager?.stop();
});
beforeEach(() => resetSecretsForTests());

const hostOf = (url: string) => new URL(url).host;

const run = (env: Record<string, string | undefined>, cpCode: number) =>
  withEnv(
    {
      HOME: mkdtempSync(join(tmpdir(), 'proxy-home-')),
      AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_REGION: STANDIN_AWS.region,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
      AKAMAI_SECRET_ID: 'akamai',
      PUSHGATEWAY_URL: stack.pushgateway.url,
      ESTATS_MIN_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
      HTTPS_PROXY: proxy.url,
      HTTP_PROXY: proxy.url,
      NO_PROXY: undefined,
      https_proxy: undefined,
      http_proxy: undefined,
      no_proxy: undefined,
      ...env,
    },
    () =>
      captureStdout(
        () =>
          estatsHandler(
            { name: 'proxied', targets: [{ cpCode }] },
            lambdaContext(),
          ) as Promise<EstatsRunSummary>,
      ),
  );

it('sends Akamai (CONNECT), the Pushgateway and Secrets Manager (plain requests) through HTTPS_PROXY / HTTP_PROXY', async () => {
  const before = proxy.requests().length;
  const { error } = await run({}, 51);
  expect(error).toBeUndefined();
  const seen = proxy.requests().slice(before);
  expect(seen).toContain(`CONNECT ${stack.akamai.host}`);
  expect(seen).toContain(`POST ${secretsManager.endpoint}/`);
  expect(seen).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        new RegExp(`^PUT ${stack.pushgateway.url}/metrics/job/akamai_estats/cp_code/51`),
      ),
    ]),
  );
  expect(await stack.pushgateway.group({ job: 'akamai_estats', cp_code: '51' })).toBeDefined();
});

it('goes direct to the hosts NO_PROXY names, and through the proxy to the others', async () => {
  const before = proxy.requests().length;
  const { error } = await run(
    { NO_PROXY: `${new URL(stack.pushgateway.url).hostname},example.internal` },
    52,
  );
  expect(error).toBeUndefined();
  expect(proxy.requests().slice(before)).toEqual([]);
  // The stand-ins share the loopback address: a host:port entry bypasses one of them only.
  const partial = proxy.requests().length;
  const second = await run({ NO_PROXY: hostOf(stack.pushgateway.url) }, 53);
  expect(second.error).toBeUndefined();
  const seen = proxy.requests().slice(partial);
  expect(seen).toContain(`CONNECT ${stack.akamai.host}`);
  expect(seen.filter((line) => line.includes(stack.pushgateway.url))).toEqual([]);
});

it('fails with the proxy named when the proxy refuses the tunnel, its credentials masked', async () => {
  const dead = 'http://user:proxy-password-1@127.0.0.1:9';
  const { error } = await run({ HTTPS_PROXY: dead, HTTP_PROXY: dead }, 54);
  expect(error).toBeInstanceOf(Error);
  const message = String((error as Error).message);
  expect(message).toContain(
    'ECONNREFUSED 127.0.0.1:9 (through the proxy http://***:***@127.0.0.1:9 of HTTP(S)_PROXY, unless NO_PROXY names this host)',
  );
  expect(JSON.stringify(error)).not.toContain('proxy-password-1');
  expect(message).not.toContain('proxy-password-1');
});
