import {
  type RemoteWriteStandin,
  type RemoteWriteStandinOptions,
  startRemoteWriteStandin,
} from '../../dev/simulators/remoteWrite';
import { STANDIN_AWS, startSecretsManagerStandin } from '../../dev/simulators/secretsManager';
import { resetSecretsForTests } from '../../src/aws/secrets';
import { connectRemoteWriteSink } from '../../src/sinks/remoteWrite/sink';
import { PushMetrics } from '../../src/metrics/registry';
import { ESTATS } from '../../src/metrics/catalogue';
import {
  RemoteWriteClient,
  type RemoteWriteClientOptions,
} from '../../src/sinks/remoteWrite/client';
import { RemoteWriteError } from '../../src/sinks/remoteWrite/errors';
import { sigv4Signer } from '../../src/sinks/remoteWrite/sigv4';
import { NO_DEADLINE } from '../../src/shared/deadline';
import { standinAwsEnv } from '../helpers/standinAws';
import { withEnv } from '../helpers/env';

/**
 * The remote-write client against receivers we cannot reach from here, played by a stand-in
 * that checks what they check: SigV4 for Amazon Managed Service for Prometheus (recomputed
 * with the AWS SDK's signer), Mimir's tenant header, basic auth; and the spec's retry rule:
 * a 503 is retried, a 400 is not.
 */
const standins: RemoteWriteStandin[] = [];
afterAll(async () => {
  for (const standin of standins) await standin.stop();
});

async function standin(options: RemoteWriteStandinOptions = {}): Promise<RemoteWriteStandin> {
  const started = await startRemoteWriteStandin(options);
  standins.push(started);
  return started;
}

function client(url: string, options: Partial<RemoteWriteClientOptions> = {}) {
  return new RemoteWriteClient({
    url: new URL(url),
    maxRequestBytes: 1024 * 1024,
    concurrency: 2,
    requestTimeoutMs: 5_000,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
    ...options,
  });
}

const SERIES = Array.from({ length: 40 }, (_, n) => ({
  labels: [
    { name: '__name__', value: 'synthetic_port_up' },
    { name: 'job', value: 'synthetic_telemetry' },
    { name: 'port', value: `eth${n}` },
  ],
  samples: [{ value: n % 2, timestampMs: 1_763_900_000_000 }],
}));

/** The SDK's credential chain with only the stand-in's key in the environment. */
const AWS_ENV = standinAwsEnv();

it('signs for Amazon Managed Service for Prometheus with SigV4 from the SDK credential chain', async () => {
  const amp = await standin({
    sigv4: {
      keys: new Map([[STANDIN_AWS.accessKeyId, STANDIN_AWS.secretAccessKey]]),
      region: STANDIN_AWS.region,
    },
  });
  const result = await withEnv(AWS_ENV, () =>
    client(amp.url, { sign: sigv4Signer(STANDIN_AWS.region), maxRequestBytes: 1024 }).write(
      { series: SERIES },
      NO_DEADLINE,
    ),
  );
  expect(result.requests).toBeGreaterThan(1);
  expect(
    amp.requests.every((r) => r.status === 200 && r.accessKeyId === STANDIN_AWS.accessKeyId),
  ).toBe(true);
  // Several requests in flight at once: every series lands, in whichever order.
  expect(amp.accepted).toHaveLength(SERIES.length);
  expect(amp.accepted).toEqual(expect.arrayContaining(SERIES));
});

it('is refused, and not retried, when the signature is wrong', async () => {
  const amp = await standin({
    sigv4: {
      keys: new Map([[STANDIN_AWS.accessKeyId, 'another-secret']]),
      region: STANDIN_AWS.region,
    },
  });
  const error = await withEnv(AWS_ENV, () =>
    client(amp.url, { sign: sigv4Signer(STANDIN_AWS.region) }).write(
      { series: SERIES },
      NO_DEADLINE,
    ),
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RemoteWriteError);
  expect((error as Error).message).toContain('HTTP 403: InvalidSignatureException');
  expect((error as RemoteWriteError).hint).toContain('SigV4');
  expect(amp.requests).toHaveLength(1);
});

it('names the tenant in X-Scope-OrgID (Mimir, Cortex), and sends basic auth', async () => {
  const mimir = await standin({
    tenant: 'team-cdn',
    authorization: `Basic ${Buffer.from('collector:s3cret').toString('base64')}`,
  });
  await client(mimir.url, {
    tenant: 'team-cdn',
    auth: { kind: 'basic', username: 'collector', password: 's3cret' },
  }).write({ series: SERIES }, NO_DEADLINE);
  expect(mimir.requests).toEqual([{ status: 200, tenant: 'team-cdn', series: SERIES.length }]);
  const error = await client(mimir.url, {
    auth: { kind: 'basic', username: 'collector', password: 's3cret' },
  })
    .write({ series: SERIES }, NO_DEADLINE)
    .catch((e: unknown) => e);
  expect((error as RemoteWriteError).status).toBe(401);
});

it('retries a 503 and then lands everything', async () => {
  const receiver = await standin();
  receiver.failNext(503, 2);
  await client(receiver.url).write({ series: SERIES }, NO_DEADLINE);
  expect(receiver.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  expect(receiver.accepted).toEqual(SERIES);
});

it('does not retry a 400, and says why', async () => {
  const receiver = await standin();
  receiver.failNext(400, 1, 'invalid label name "0x"');
  const error = await client(receiver.url)
    .write({ series: SERIES }, NO_DEADLINE)
    .catch((e: unknown) => e);
  expect(receiver.requests.map((r) => r.status)).toEqual([400]);
  expect((error as RemoteWriteError).message).toContain(
    'answered HTTP 400: invalid label name "0x"',
  );
  expect((error as RemoteWriteError).hint).toBe(
    'not retried: under the remote-write spec a 4xx refuses the data itself, and the same data would be refused again',
  );
  expect(receiver.accepted).toEqual([]);
});

it('reads its credentials from the Secrets Manager secret REMOTE_WRITE_AUTH_SECRET_ID names', async () => {
  const secretsManager = await startSecretsManagerStandin();
  try {
    secretsManager.secrets.set(
      'rw-auth',
      JSON.stringify({ username: 'collector', password: 'from-the-secret' }),
    );
    const receiver = await standin({
      authorization: `Basic ${Buffer.from('collector:from-the-secret').toString('base64')}`,
    });
    resetSecretsForTests();
    const metrics = new PushMetrics(1_763_900_000_000);
    metrics.family(ESTATS.up).set(1);
    await withEnv(
      { ...AWS_ENV, AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint },
      async () => {
        const { sink } = await connectRemoteWriteSink(
          { REMOTE_WRITE_URL: receiver.url, REMOTE_WRITE_AUTH_SECRET_ID: 'rw-auth' },
          NO_DEADLINE,
        );
        await sink.write({ key: { job: 'j' }, metrics, mode: 'replace' }, NO_DEADLINE);
      },
    );
    expect(secretsManager.calls.map((c) => [c.secretId, c.status])).toEqual([['rw-auth', 200]]);
    expect(receiver.requests).toEqual([{ status: 200, series: 2 }]);
  } finally {
    await secretsManager.stop();
  }
});
