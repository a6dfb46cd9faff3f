import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AwsCredentialEndpoints,
  startAwsCredentialEndpoints,
} from '../helpers/awsCredentialEndpoints';
import { STANDIN_CLIENT } from '../../dev/simulators/akamai/standin';
import { REPO_ROOT, runProcess } from '../helpers/runProcess';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../dev/simulators/secretsManager';
import { useEstatsStack } from '../helpers/estatsStack';

/**
 * The AWS SDK's credential chain, end to end: the estats handler runs in a process of its own
 * with a throw-away HOME and no AWS variables but those of one source, reads its EdgeGrid
 * secret from the SigV4-checking Secrets Manager stand-in, and pushes to the real Pushgateway.
 * Each source hands out its own access key, and the stand-in records which key signed the
 * call: a run that found its credentials elsewhere fails the test.
 */
const stack = useEstatsStack();

let secretsManager: SecretsManagerStandin;
let endpoints: AwsCredentialEndpoints;

const PROFILE_KEYS = {
  accessKeyId: 'AKIAPROFILE000000001',
  secretAccessKey: 'profile-secret-key-0000000000000000001',
};
const DEFAULT_KEYS = {
  accessKeyId: 'AKIADEFAULT000000001',
  secretAccessKey: 'default-secret-key-0000000000000000001',
};
const PROCESS_KEYS = {
  accessKeyId: 'AKIAPROCESS000000001',
  secretAccessKey: 'process-secret-key-0000000000000000001',
};

beforeAll(async () => {
  secretsManager = await startSecretsManagerStandin();
  endpoints = await startAwsCredentialEndpoints();
  for (const keys of [
    PROFILE_KEYS,
    DEFAULT_KEYS,
    PROCESS_KEYS,
    endpoints.container,
    endpoints.instance,
    endpoints.webIdentity,
  ])
    secretsManager.keys.set(keys.accessKeyId, keys.secretAccessKey);
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
  await secretsManager.stop();
  await endpoints.stop();
});

/** A HOME with nothing of the machine's: its ~/.aws holds only what a case writes. */
function throwAwayHome(files: Record<string, string> = {}): string {
  const home = mkdtempSync(join(tmpdir(), 'aws-home-'));
  mkdirSync(join(home, '.aws'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(home, name), text);
  return home;
}

/** Every AWS variable the chain reads, unset: a case sets only its own source's. */
const NO_AWS_ENV = Object.fromEntries(
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
    'AWS_CONTAINER_AUTHORIZATION_TOKEN',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_ROLE_ARN',
    'AWS_ROLE_SESSION_NAME',
    'AWS_EC2_METADATA_SERVICE_ENDPOINT',
  ].map((name) => [name, undefined]),
);

async function runEstatsWith(home: string, env: Record<string, string | undefined>) {
  const target = Math.floor(Math.random() * 1_000_000);
  const result = await runProcess(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/fixtures/invoke-estats.ts',
      JSON.stringify({ targets: [{ cpCode: target }] }),
    ],
    {
      ...NO_AWS_ENV,
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
      AKAMAI_SECRET_ID: 'akamai',
      PUSHGATEWAY_URL: stack.pushgateway.url,
      ESTATS_MIN_INTERVAL_MS: '0',
      ...env,
    },
  );
  const group = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: String(target) });
  return { ...result, up: group?.families.get('akamai_estats_up')?.metrics[0]?.value };
}

const lastSigner = () => secretsManager.calls.at(-1)?.accessKeyId;
const credentials = (section: string, keys: { accessKeyId: string; secretAccessKey: string }) =>
  `[${section}]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`;

describe('AWS credential sources, end to end in a throw-away HOME', () => {
  it('a named profile (AWS_PROFILE) with its region from ~/.aws/config', async () => {
    const home = throwAwayHome({
      '.aws/credentials': credentials('collector', PROFILE_KEYS),
      '.aws/config': `[profile collector]\nregion = ${STANDIN_AWS.region}\n`,
    });
    const run = await runEstatsWith(home, { AWS_PROFILE: 'collector' });
    expect(run.code === 0 ? 'ok' : run.output).toBe('ok');
    expect([run.up, lastSigner()]).toEqual(['1', PROFILE_KEYS.accessKeyId]);
  });

  it('the [default] profile, no variable at all', async () => {
    const home = throwAwayHome({
      '.aws/credentials': credentials('default', DEFAULT_KEYS),
      '.aws/config': `[default]\nregion = ${STANDIN_AWS.region}\n`,
    });
    const run = await runEstatsWith(home, {});
    expect(run.code === 0 ? 'ok' : run.output).toBe('ok');
    expect([run.up, lastSigner()]).toEqual(['1', DEFAULT_KEYS.accessKeyId]);
  });

  it('credential_process of a profile', async () => {
    const home = throwAwayHome();
    const script = join(home, 'credentials.sh');
    writeFileSync(
      script,
      `#!/bin/sh\necho '${JSON.stringify({ Version: 1, AccessKeyId: PROCESS_KEYS.accessKeyId, SecretAccessKey: PROCESS_KEYS.secretAccessKey })}'\n`,
    );
    chmodSync(script, 0o755);
    writeFileSync(
      join(home, '.aws', 'config'),
      `[profile sso-like]\nregion = ${STANDIN_AWS.region}\ncredential_process = ${script}\n`,
    );
    const run = await runEstatsWith(home, { AWS_PROFILE: 'sso-like' });
    expect(run.code === 0 ? 'ok' : run.output).toBe('ok');
    expect([run.up, lastSigner()]).toEqual(['1', PROCESS_KEYS.accessKeyId]);
  });

  it('container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI with its token)', async () => {
    const run = await runEstatsWith(throwAwayHome(), {
      AWS_REGION: STANDIN_AWS.region,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoints.url}/container-credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: endpoints.containerToken,
    });
    expect(run.code === 0 ? 'ok' : run.output).toBe('ok');
    expect([run.up, lastSigner()]).toEqual(['1', endpoints.container.accessKeyId]);
    expect(endpoints.requests).toContain('container 200');
  });

  it('web identity (a token file and a role, exchanged with STS)', async () => {
    const home = throwAwayHome({ token: endpoints.webIdentityToken });
    const run = await runEstatsWith(home, {
      AWS_REGION: STANDIN_AWS.region,
      AWS_WEB_IDENTITY_TOKEN_FILE: join(home, 'token'),
      AWS_ROLE_ARN: endpoints.roleArn,
      AWS_ROLE_SESSION_NAME: 'collector',
      AWS_ENDPOINT_URL_STS: endpoints.url,
    });
    expect(run.code === 0 ? 'ok' : run.output).toBe('ok');
    expect([run.up, lastSigner()]).toEqual(['1', endpoints.webIdentity.accessKeyId]);
    expect(endpoints.requests).toContain('sts 200');
  });

  it('instance metadata (IMDSv2: a token first, then the role credentials)', async () => {
    const run = await runEstatsWith(throwAwayHome(), {
      AWS_REGION: STANDIN_AWS.region,
      AWS_EC2_METADATA_DISABLED: undefined,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoints.url,
    });
    expect(run.code === 0 ? 'ok' : run.output).toBe('ok');
    expect([run.up, lastSigner()]).toEqual(['1', endpoints.instance.accessKeyId]);
  });

  it('serverless invoke local with --aws-profile resolves the profile for the handler', async () => {
    const home = throwAwayHome({
      '.aws/credentials': credentials('collector', PROFILE_KEYS),
      '.aws/config': `[profile collector]\nregion = ${STANDIN_AWS.region}\n`,
    });
    const { code, output } = await runProcess(
      join(REPO_ROOT, 'node_modules', '.bin', 'serverless'),
      [
        'invoke',
        'local',
        '--stage',
        'local',
        '-f',
        'estats',
        '-p',
        'examples/estats-event.json',
        '--aws-profile',
        'collector',
        '-e',
        'AKAMAI_SECRET_ID=akamai',
      ],
      {
        ...NO_AWS_ENV,
        HOME: home,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
        PUSHGATEWAY_URL: stack.pushgateway.url,
        ESTATS_MIN_INTERVAL_MS: '0',
      },
    );
    expect(code === 0 ? 'ok' : output).toBe('ok');
    expect(output).toContain('"message":"eStats run finished"');
    expect(lastSigner()).toBe(PROFILE_KEYS.accessKeyId);
  }, 120_000);
});
