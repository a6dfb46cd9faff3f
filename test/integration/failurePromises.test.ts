import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetSecretsForTests } from '../../src/aws/secrets';
import { CollectorRunError } from '../../src/collectors/errors';
import type { EstatsRunSummary } from '../../src/collectors/estats';
import { resetRemovalChecksForTests } from '../../src/collectors/removal';
import { handler as estatsHandler } from '../../src/handlers/estats';
import { handler as syntheticHandler } from '../../src/handlers/synthetic';
import { STANDIN_CLIENT } from '../../dev/simulators/akamai/standin';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../dev/simulators/secretsManager';
import { captureStdout, withEnv } from '../helpers/env';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import { useEstatsStack } from '../helpers/estatsStack';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * The rows of the README's "Failure behaviour" tables that were unit-tested only, each
 * driven end to end: the estats function against the HTTPS Akamai stand-in (EdgeGrid checked),
 * the Secrets Manager stand-in (SigV4 checked) through the real AWS SDK, and the real
 * Pushgateway behind a proxy that answers as a loaded one does.
 */
const stack = useEstatsStack();
let secretsManager: SecretsManagerStandin;
let pushgatewayProxy: FaultProxy;

beforeAll(async () => {
  secretsManager = await startSecretsManagerStandin();
  pushgatewayProxy = await startFaultProxy(stack.pushgateway.url);
  secretsManager.secrets.set(
    'akamai',
    JSON.stringify({
      host: stack.akamai.host,
      client_token: STANDIN_CLIENT.clientToken,
      client_secret: STANDIN_CLIENT.clientSecret,
      access_token: STANDIN_CLIENT.accessToken,
    }),
  );
  // Two sections Akamai refuses: a client token it does not know, an access token not its own.
  appendFileSync(
    stack.edgercPath,
    [
      '',
      '[inactive]',
      `host = ${stack.akamai.host}`,
      'client_token = akab-deactivated-client-token-000000',
      `client_secret = ${STANDIN_CLIENT.clientSecret}`,
      `access_token = ${STANDIN_CLIENT.accessToken}`,
      '[denied]',
      `host = ${stack.akamai.host}`,
      `client_token = ${STANDIN_CLIENT.clientToken}`,
      `client_secret = ${STANDIN_CLIENT.clientSecret}`,
      'access_token = akab-access-token-of-another-client-0',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await secretsManager?.stop();
  await pushgatewayProxy?.stop();
});
beforeEach(async () => {
  resetSecretsForTests();
  resetRemovalChecksForTests();
  await pushgatewayProxy.idle();
  pushgatewayProxy.always(undefined);
  pushgatewayProxy.requests.length = 0;
  stack.akamai.requests.length = 0;
});

const AWS_UNSET = Object.fromEntries(
  [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
  ].map((name) => [name, undefined]),
);

function env(extra: Record<string, string | undefined>) {
  return {
    ...AWS_UNSET,
    HOME: mkdtempSync(join(tmpdir(), 'promises-home-')),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    PUSHGATEWAY_URL: stack.pushgateway.url,
    AKAMAI_EDGERC: stack.edgercPath,
    AKAMAI_EDGERC_SECTION: 'standin',
    AKAMAI_SECRET_ID: undefined,
    ESTATS_MIN_INTERVAL_MS: '0',
    ESTATS_SCHEDULE: undefined,
    LOG_LEVEL: 'error',
    ...extra,
  };
}

const SIGNED_IN = {
  AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
  AWS_REGION: STANDIN_AWS.region,
};

const estats = (
  extra: Record<string, string | undefined>,
  targets: Array<{ cpCode: number }>,
  timeoutMs = 60_000,
) =>
  withEnv(env(extra), () =>
    captureStdout(() => estatsHandler({ name: 'promises', targets }, lambdaContext(timeoutMs))),
  );

async function reasonOf(cpCode: number): Promise<string | undefined> {
  const group = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: String(cpCode) });
  return group?.families.get('akamai_estats_failure_info')?.metrics[0]?.labels.reason;
}

function runError(error: unknown): CollectorRunError<EstatsRunSummary> {
  expect(error).toBeInstanceOf(CollectorRunError);
  return error as CollectorRunError<EstatsRunSummary>;
}

describe('Akamai refuses the request', () => {
  it.each([
    [
      'inactive',
      'auth_inactive_token',
      'HTTP 401 client token not active: Not authorized: Inactive client token',
    ],
    [
      'denied',
      'auth_denied',
      'HTTP 401 authentication refused: Not authorized: Invalid access token',
    ],
  ])(
    'section [%s]: reason %s, and the rest of the run is not requested',
    async (section, reason, said) => {
      const { error } = await estats({ AKAMAI_EDGERC_SECTION: section }, [
        { cpCode: 61 },
        { cpCode: 62 },
        { cpCode: 63 },
      ]);
      expect(runError(error).message).toContain(said);
      expect(await reasonOf(61)).toBe(reason);
      // Refused credentials are not tried again on the next targets (their rate budget).
      expect(stack.akamai.requests.map((r) => r.status)).toEqual([401]);
    },
  );

  it('an answer of 400 for a target Akamai will not serve: bad_request, the others land', async () => {
    stack.akamai.setBehaviour(
      { cpCode: 64 },
      {
        kind: 'status',
        status: 400,
        problem: {
          type: 'https://problems.luna.akamaiapis.net/edge-diagnostics/bad.request.error',
          title: 'Bad request',
          status: 400,
          detail: 'The CP code is not served on the requested delivery network',
        },
      },
    );
    try {
      const { error } = await estats({}, [{ cpCode: 64 }, { cpCode: 65 }]);
      expect(runError(error).message).toContain(
        'cpCode 64 [bad_request]: eStats for cpCode 64: HTTP 400 request refused: Bad request: The CP code is not served on the requested delivery network',
      );
      expect(await reasonOf(64)).toBe('bad_request');
      const other = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: '65' });
      expect(other?.families.get('akamai_estats_up')?.metrics[0]?.value).toBe('1');
    } finally {
      stack.akamai.setBehaviour({ cpCode: 64 }, { kind: 'normal' });
    }
  });

  it('targets never reached before the deadline: reason deadline, the reached ones land', async () => {
    // Each answer takes 1.5 s, one request at a time, and the function has 7 s (3 s kept).
    stack.akamai.queueBehaviour({ kind: 'delay', ms: 1_500 }, 10);
    const targets = [71, 72, 73, 74, 75, 76].map((cpCode) => ({ cpCode }));
    const { error } = await estats({ ESTATS_MAX_IN_FLIGHT: '1' }, targets, 7_000);
    const summary = runError(error).summary;
    const reasons = summary.failed.map((f) => f.reason);
    expect(reasons.length).toBeGreaterThan(0);
    expect(new Set(reasons)).toEqual(new Set(['deadline']));
    expect(summary.ok).toBeGreaterThan(0);
    expect(summary.ok + summary.failed.length).toBe(targets.length);
    expect(runError(error).message).toContain('[deadline]');
  }, 20_000);
});

describe('Secrets Manager and AWS credentials, through the SDK', () => {
  const withSecret = { AKAMAI_SECRET_ID: 'akamai' };

  it.each([
    [
      'access denied',
      { ...SIGNED_IN },
      () =>
        secretsManager.failNext(
          'AccessDeniedException',
          400,
          'User: arn:aws:sts::123456789012:assumed-role/estats/f is not authorized to perform: secretsmanager:GetSecretValue',
        ),
      'AccessDeniedException',
      'grant secretsmanager:GetSecretValue on this secret to the function role',
    ],
    [
      'a bad signature (a secret key that is not the key id’s)',
      { ...SIGNED_IN, AWS_SECRET_ACCESS_KEY: 'not-the-secret-of-this-key-id-000000000' },
      () => {},
      'InvalidSignatureException',
      'the AWS credentials found are not valid for this account or region',
    ],
    [
      'no region',
      {
        AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
      },
      () => {},
      'Region is missing',
      'set AWS_REGION',
    ],
    [
      'no credentials anywhere',
      { AWS_REGION: STANDIN_AWS.region },
      () => {},
      'CredentialsProviderError',
      'no AWS credentials found',
    ],
  ])('%s: reason credentials, with what to do', async (_case, aws, script, said, hint) => {
    script();
    const { error } = await estats({ ...withSecret, ...aws }, [{ cpCode: 81 }]);
    const failed = runError(error);
    expect(failed.message).toContain('cpCode 81 [credentials]');
    expect(failed.message).toContain(said);
    expect(`${failed.message} ${failed.hint ?? ''}`).toContain(hint);
    expect(await reasonOf(81)).toBe('credentials');
    // Akamai was never asked.
    expect(stack.akamai.requests).toEqual([]);
  });
});

describe("the Pushgateway's Retry-After", () => {
  const TIME = '2026-11-20T18:00:00Z';
  const fleet = { name: 'retry-after', deviceCount: 1, portsPerDevice: 1 };
  const synthetic = (timeoutMs = 60_000) =>
    withEnv(env({ PUSHGATEWAY_URL: pushgatewayProxy.url, DEADLINE_SAFETY_MARGIN_MS: '1000' }), () =>
      captureStdout(() =>
        syntheticHandler({ time: TIME, fleet }, lambdaContext(timeoutMs, 'synthetic')),
      ),
    );

  it.each([503, 429])(
    'waits as a %i with Retry-After says, then lands the group',
    async (status) => {
      pushgatewayProxy.queue(
        { kind: 'status', status, headers: { 'retry-after': '1' }, pathIncludes: '/device' },
        1,
      );
      const { error } = await synthetic();
      expect(error).toBeUndefined();
      const pushes = pushgatewayProxy.requests.filter((r) => r.path.includes('/device'));
      expect(pushes.map((r) => r.answered)).toEqual([status, 'forwarded']);
    },
  );

  it.each([503, 429])(
    'does not retry a %i whose Retry-After would pass the deadline, and says so',
    async (status) => {
      pushgatewayProxy.queue(
        { kind: 'status', status, headers: { 'retry-after': '120' }, pathIncludes: '/device' },
        1,
      );
      const { error } = await synthetic(20_000);
      expect(error).toBeInstanceOf(CollectorRunError);
      expect((error as Error).message).toContain(`Pushgateway answered HTTP ${status}`);
      expect((error as Error).message).toContain(
        'gave up after 1 attempts: not enough time left to retry',
      );
      // Without Retry-After the backoff (200 ms) would have sent it again.
      const pushes = pushgatewayProxy.requests.filter((r) => r.path.includes('/device'));
      expect(pushes.map((r) => r.answered)).toEqual([status]);
    },
  );
});
