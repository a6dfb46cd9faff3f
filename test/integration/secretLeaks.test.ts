import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetSecretsForTests } from '../../src/aws/secrets';
import { handler as estatsHandler } from '../../src/handlers/estats';
import { handler as exportHandler } from '../../src/handlers/export-alerting';
import { handler as scrapeHandler } from '../../src/handlers/scrape';
import { handler as syntheticHandler } from '../../src/handlers/synthetic';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureStdout, withEnv } from '../helpers/env';
import { STANDIN_CLIENT } from '../../dev/simulators/akamai/standin';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import { lambdaContext } from '../helpers/lambdaContext';
import { startRemoteWriteStandin } from '../../dev/simulators/remoteWrite';
import { failureDestinationRecord } from '../helpers/failureDestination';
import { runProcess } from '../helpers/runProcess';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../dev/simulators/secretsManager';
import { useEstatsStack } from '../helpers/estatsStack';

/**
 * Every error path driven with known credentials, and everything the functions write scanned
 * for them: log lines, the error Lambda would report (message, stack, hint, causes) and the
 * files the export writes. Each path is checked to have really failed the way intended, so
 * the scan is never of an empty output.
 */
const stack = useEstatsStack();

const KNOWN = {
  edgeGridSecret: 'S2VlcE1lT3V0T2ZMb2dzS2VlcE1lT3V0T2ZMb2dzMDA=',
  pushgatewayPassword: 'pgw-password-never-logged-7f3a',
  pushgatewayToken: 'pgw-bearer-token-never-logged-91c2',
  awsSessionToken: 'aws-session-token-never-logged-5d8e',
  scrapePassword: 'scrape-target-password-never-logged-3b6d',
};
const SECRETS = [
  ...Object.values(KNOWN),
  STANDIN_CLIENT.clientSecret,
  STANDIN_CLIENT.accessToken,
  STANDIN_CLIENT.clientToken,
  STANDIN_AWS.secretAccessKey,
  Buffer.from(`collector:${KNOWN.pushgatewayPassword}`).toString('base64'),
  Buffer.from(`scraper:${KNOWN.scrapePassword}`).toString('base64'),
];

let proxy: FaultProxy;
let secretsManager: SecretsManagerStandin;

beforeAll(async () => {
  proxy = await startFaultProxy(stack.pushgateway.url);
  secretsManager = await startSecretsManagerStandin();
  // A section whose secret Akamai does not know: every request is refused (401).
  writeFileSync(
    stack.edgercPath,
    `${readFileSync(stack.edgercPath, 'utf8')}\n[leaky]\nclient_secret = ${KNOWN.edgeGridSecret}\nhost = ${stack.akamai.host}\naccess_token = ${STANDIN_CLIENT.accessToken}\nclient_token = ${STANDIN_CLIENT.clientToken}\n`,
  );
});
afterAll(async () => {
  await proxy.stop();
  await secretsManager.stop();
});
beforeEach(() => {
  resetSecretsForTests();
  proxy.always(undefined);
  secretsManager.secrets.clear();
  secretsManager.throttleNext(0);
});

function baseEnv(extra: Record<string, string | undefined> = {}) {
  return {
    PUSHGATEWAY_URL: stack.pushgateway.url,
    PUSHGATEWAY_USERNAME: undefined,
    PUSHGATEWAY_PASSWORD: undefined,
    PUSHGATEWAY_BEARER_TOKEN: undefined,
    PUSHGATEWAY_AUTH_SECRET_ID: undefined,
    PUSHGATEWAY_MAX_ATTEMPTS: '2',
    AKAMAI_EDGERC: stack.edgercPath,
    AKAMAI_EDGERC_SECTION: 'standin',
    AKAMAI_SECRET_ID: undefined,
    ESTATS_MIN_INTERVAL_MS: '0',
    ESTATS_MAX_ATTEMPTS: '1',
    ESTATS_SCHEDULE: undefined,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
    AWS_SESSION_TOKEN: KNOWN.awsSessionToken,
    AWS_REGION: STANDIN_AWS.region,
    LOG_LEVEL: 'debug',
    ...extra,
  };
}

/**
 * Everything an operator could see of an invocation: logs, the error Lambda reports, and the
 * failure queue's record of it (the event and that error).
 */
function written(outcome: { error: unknown; lines: string[]; event?: unknown }): string {
  const parts = [...outcome.lines];
  if (outcome.error !== undefined)
    parts.push(failureDestinationRecord(outcome.event, outcome.error));
  let error: unknown = outcome.error;
  for (let depth = 0; error !== undefined && depth < 10; depth++) {
    if (error instanceof Error) {
      parts.push(error.name, error.message, error.stack ?? '', JSON.stringify(error));
      parts.push(String((error as { hint?: unknown }).hint ?? ''));
      error = error.cause;
    } else {
      parts.push(String(error));
      error = undefined;
    }
  }
  return parts.join('\n');
}

function expectNoSecret(text: string): void {
  // Never a scan of empty output: every path writes logs and an error worth reading.
  expect(text.length).toBeGreaterThan(300);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

const ESTATS_EVENT = { targets: [{ cpCode: 5 }] };
const runEstats = async (env: Record<string, string | undefined>) => ({
  ...(await withEnv(baseEnv(env), () =>
    captureStdout(() => estatsHandler(ESTATS_EVENT, lambdaContext(30_000))),
  )),
  event: ESTATS_EVENT,
});
const SYNTHETIC_EVENT = {
  time: '2026-11-20T18:00:00Z',
  fleet: { name: 'leaks', deviceCount: 1, portsPerDevice: 1 },
};
const runSynthetic = async (env: Record<string, string | undefined>) => ({
  ...(await withEnv(baseEnv(env), () =>
    captureStdout(() => syntheticHandler(SYNTHETIC_EVENT, lambdaContext(30_000, 'synthetic'))),
  )),
  event: SYNTHETIC_EVENT,
});

/** The EdgeGrid secret with a client secret Akamai does not know: every request gets a 401. */
function storeLeakyAkamaiSecret(): void {
  secretsManager.secrets.set(
    'akamai',
    JSON.stringify({
      host: stack.akamai.host,
      client_token: STANDIN_CLIENT.clientToken,
      client_secret: KNOWN.edgeGridSecret,
      access_token: STANDIN_CLIENT.accessToken,
    }),
  );
}

/** The estats handler in a process of its own: everything it prints, fd 1 included. */
const runEstatsProcess = (env: Record<string, string | undefined>) =>
  runProcess(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/invoke-estats.ts', '{"targets":[{"cpCode":5}]}'],
    baseEnv(env),
  );

describe('no credential in any log line, error or generated file', () => {
  it('Akamai refuses the EdgeGrid signature (.edgerc)', async () => {
    const outcome = await runEstats({ AKAMAI_EDGERC_SECTION: 'leaky' });
    expect(String(outcome.error)).toContain('[auth_signature]');
    expectNoSecret(written(outcome));
  });

  /**
   * akamai-edgegrid logs the signed Authorization header, the signing key and the body at
   * `info` when AKAMAI_LOG_LEVEL is set, through pino straight to fd 1: only a whole process
   * shows what it prints. The control proves the scan sees the library's own logging.
   */
  const LIBRARY_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

  it('the scan sees what akamai-edgegrid prints when its logging is on (control)', async () => {
    const { output } = await runProcess(
      process.execPath,
      [
        '-e',
        `const EdgeGrid = require('akamai-edgegrid');
         new EdgeGrid(process.env.CT, process.env.CS, process.env.AT, 'akab-x.luna.akamaiapis.net')
           .auth({ path: '/x', method: 'POST', body: '{}' });`,
      ],
      {
        AKAMAI_LOG_LEVEL: 'info',
        CT: STANDIN_CLIENT.clientToken,
        CS: STANDIN_CLIENT.clientSecret,
        AT: STANDIN_CLIENT.accessToken,
      },
    );
    expect(output).toContain(STANDIN_CLIENT.accessToken);
  });

  it.each(LIBRARY_LEVELS)(
    'Akamai refuses the signature with akamai-edgegrid logging at %s (whole process scanned)',
    async (level) => {
      const { code, output } = await runEstatsProcess({
        AKAMAI_EDGERC_SECTION: 'leaky',
        AKAMAI_LOG_LEVEL: level,
      });
      expect(code).toBe(1);
      expect(output).toContain('[auth_signature]');
      expectNoSecret(output);
    },
  );

  it('credentials from Secrets Manager with akamai-edgegrid logging at trace (whole process scanned)', async () => {
    storeLeakyAkamaiSecret();
    const { code, output } = await runEstatsProcess({
      AKAMAI_SECRET_ID: 'akamai',
      AKAMAI_LOG_LEVEL: 'trace',
    });
    expect(code).toBe(1);
    expect(output).toContain('[auth_signature]');
    expectNoSecret(output);
  });

  it('Akamai refuses credentials read from Secrets Manager, read again after rotation', async () => {
    storeLeakyAkamaiSecret();
    const outcome = await runEstats({ AKAMAI_SECRET_ID: 'akamai' });
    expect(String(outcome.error)).toContain('[auth_signature]');
    expect(secretsManager.calls.length).toBeGreaterThanOrEqual(2);
    expectNoSecret(written(outcome));
  });

  it('Secrets Manager throttles, or the secret lacks a field', async () => {
    secretsManager.throttleNext(3);
    const throttled = await runEstats({ AKAMAI_SECRET_ID: 'akamai' });
    expect(String(throttled.error)).toContain('ThrottlingException');
    expectNoSecret(written(throttled));

    secretsManager.secrets.set(
      'akamai',
      JSON.stringify({ host: stack.akamai.host, client_secret: KNOWN.edgeGridSecret }),
    );
    const incomplete = await runEstats({ AKAMAI_SECRET_ID: 'akamai' });
    expect(String(incomplete.error)).toContain('client_token');
    expectNoSecret(written(incomplete));
  });

  it('the Pushgateway refuses basic auth or a bearer token (401), or fails (500)', async () => {
    proxy.always({
      kind: 'status',
      status: 401,
      body: 'Unauthorized',
      headers: { 'www-authenticate': 'Basic realm="pushgateway"' },
    });
    for (const auth of [
      { PUSHGATEWAY_USERNAME: 'collector', PUSHGATEWAY_PASSWORD: KNOWN.pushgatewayPassword },
      { PUSHGATEWAY_BEARER_TOKEN: KNOWN.pushgatewayToken },
    ]) {
      const estats = await runEstats({ PUSHGATEWAY_URL: proxy.url, ...auth });
      expect(String(estats.error)).toContain('HTTP 401');
      expectNoSecret(written(estats));
      const synthetic = await runSynthetic({ PUSHGATEWAY_URL: proxy.url, ...auth });
      expect(String(synthetic.error)).toContain('HTTP 401');
      expectNoSecret(written(synthetic));
    }
    proxy.always({ kind: 'status', status: 500, body: 'internal error' });
    const failing = await runSynthetic({
      PUSHGATEWAY_URL: proxy.url,
      PUSHGATEWAY_USERNAME: 'collector',
      PUSHGATEWAY_PASSWORD: KNOWN.pushgatewayPassword,
    });
    expect(String(failing.error)).toContain('HTTP 500');
    expectNoSecret(written(failing));
  });

  it('a proxy in front of the Pushgateway quotes the request headers back in its 502', async () => {
    proxy.always({ kind: 'echo', status: 502 });
    for (const auth of [
      { PUSHGATEWAY_USERNAME: 'collector', PUSHGATEWAY_PASSWORD: KNOWN.pushgatewayPassword },
      { PUSHGATEWAY_BEARER_TOKEN: KNOWN.pushgatewayToken },
    ]) {
      const synthetic = await runSynthetic({ PUSHGATEWAY_URL: proxy.url, ...auth });
      // The answer really quoted them: the error says so, with the credential scrubbed.
      expect(String(synthetic.error)).toContain('HTTP 502');
      expect(String(synthetic.error)).toMatch(/authorization=(Basic|Bearer) \[REDACTED\]/);
      // The failure queue keeps that error for 14 days: the record holds it, scrubbed.
      const record = JSON.parse(failureDestinationRecord(synthetic.event, synthetic.error)) as {
        responsePayload: { errorMessage: string };
      };
      expect(record.responsePayload.errorMessage).toMatch(
        /HTTP 502.*authorization=(Basic|Bearer) \[REDACTED\]/,
      );
      expectNoSecret(written(synthetic));
    }
  });

  it('Pushgateway credentials from Secrets Manager, with the Pushgateway down', async () => {
    secretsManager.secrets.set(
      'pgw',
      JSON.stringify({ username: 'collector', password: KNOWN.pushgatewayPassword }),
    );
    const outcome = await runSynthetic({
      PUSHGATEWAY_URL: 'http://127.0.0.1:9',
      PUSHGATEWAY_AUTH_SECRET_ID: 'pgw',
    });
    expect(String(outcome.error)).toContain('127.0.0.1:9');
    expectNoSecret(written(outcome));
  });

  it.each([
    [
      `http://collector:${KNOWN.pushgatewayPassword}@127.0.0.1:9091`,
      'PUSHGATEWAY_URL http://***:***@127.0.0.1:9091/ must not hold credentials',
    ],
    [
      `http://collector:${KNOWN.pushgatewayPassword}@a:9091,http://collector:${KNOWN.pushgatewayPassword}@a:9091/`,
      'lists one Pushgateway twice: http://***:***@a:9091 and http://***:***@a:9091/',
    ],
    [
      `pgw://collector:${KNOWN.pushgatewayPassword}@a:9091`,
      'PUSHGATEWAY_URL="pgw://***:***@a:9091" must be an absolute http:// or https:// URL',
    ],
  ])(
    'a bad Pushgateway URL with credentials in it (%s) is refused, masked',
    async (url, message) => {
      const outcome = await runSynthetic({ PUSHGATEWAY_URL: url });
      expect(String(outcome.error)).toContain(message);
      expectNoSecret(written(outcome));
    },
  );

  it('a remote-write URL with credentials, or a list of them, is refused, masked', async () => {
    for (const [url, message] of [
      [
        `https://collector:${KNOWN.pushgatewayPassword}@mimir.example.net/api/v1/push`,
        'REMOTE_WRITE_URL https://***:***@mimir.example.net/api/v1/push must not hold credentials',
      ],
      [
        `https://a/api/v1/push,https://collector:${KNOWN.pushgatewayPassword}@b/api/v1/push`,
        'lists several URLs; it takes one',
      ],
    ] as const) {
      const outcome = await runSynthetic({ SINKS: 'remote-write', REMOTE_WRITE_URL: url });
      expect(String(outcome.error)).toContain(message);
      expectNoSecret(written(outcome));
    }
  });

  it('an eStats URL target with credentials is refused before anything is requested, masked', async () => {
    const requestsBefore = stack.akamai.requests.length;
    const outcome = await withEnv(baseEnv(), () =>
      captureStdout(() =>
        estatsHandler(
          { targets: [{ url: `https://shop:${KNOWN.pushgatewayPassword}@www.example.com/cart` }] },
          lambdaContext(30_000),
        ),
      ),
    );
    expect(String(outcome.error)).toContain(
      'targets[0] url https://***:***@www.example.com/cart holds credentials',
    );
    expect(stack.akamai.requests.length).toBe(requestsBefore);
    expectNoSecret(written(outcome));
  });

  it('a rotated remote-write secret still refused: the 401 and the second read name no credential', async () => {
    const receiver = await startRemoteWriteStandin({ authorization: 'Bearer the-right-token-xyz' });
    try {
      secretsManager.secrets.set(
        'rw',
        JSON.stringify({ username: 'collector', password: KNOWN.pushgatewayPassword }),
      );
      const outcome = await runSynthetic({
        SINKS: 'remote-write',
        REMOTE_WRITE_URL: receiver.url,
        REMOTE_WRITE_AUTH_SECRET_ID: 'rw',
        REMOTE_WRITE_MAX_ATTEMPTS: '1',
      });
      expect(String(outcome.error)).toContain('answered HTTP 401');
      expect(secretsManager.calls.filter((c) => c.secretId === 'rw')).toHaveLength(2);
      expectNoSecret(written(outcome));
    } finally {
      await receiver.stop();
    }
  });

  it('a scrape target refuses its credentials from Secrets Manager and echoes them back', async () => {
    secretsManager.secrets.set(
      'scrape-auth',
      JSON.stringify({ username: 'scraper', password: KNOWN.scrapePassword }),
    );
    // A careless endpoint: its 401 quotes the request's Authorization header and the password.
    const target = createServer((req, res) => {
      const given = req.headers.authorization ?? '';
      const password = Buffer.from(given.replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':')[1];
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`refused ${given} (password ${password})`);
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/metrics`;
    try {
      const outcome = await withEnv(baseEnv(), () =>
        captureStdout(() =>
          scrapeHandler(
            { schedule: { name: 'leaks', targets: [{ url, auth: { secret: 'scrape-auth' } }] } },
            lambdaContext(30_000, 'scrape'),
          ),
        ),
      );
      const text = `${written(outcome)}\n${JSON.stringify(outcome.result)}`;
      expect(text).toContain('HTTP 401');
      expectNoSecret(text);
    } finally {
      await new Promise((resolve) => target.close(resolve));
    }
  });

  it('the alerting export writes no credential into the files it generates', async () => {
    const out = mkdtempSync(join(tmpdir(), 'alerting-leaks-'));
    const outcome = await withEnv(baseEnv({ ALERTING_OUT_DIR: out }), () =>
      captureStdout(() => exportHandler({}, lambdaContext(30_000, 'exportAlerting'))),
    );
    expect(outcome.error).toBeUndefined();
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((f) =>
      f.isFile(),
    );
    expect(files.length).toBeGreaterThan(2);
    expectNoSecret(
      [
        written(outcome),
        ...files.map((f) => readFileSync(join(f.parentPath, f.name), 'utf8')),
      ].join('\n'),
    );
  });
});
