import { resetSecretsForTests } from '../../src/aws/secrets';
import { CollectorRunError } from '../../src/collectors/errors';
import { handler } from '../../src/handlers/estats';
import { captureStdout, withEnv } from '../helpers/env';
import { STANDIN_CLIENT } from '../../dev/simulators/akamai/standin';
import { lambdaContext } from '../helpers/lambdaContext';
import { promtoolCheckMetrics } from '../helpers/promtool';
import { RealPushgateway } from '../../dev/realPushgateway';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../dev/simulators/secretsManager';
import { useEstatsStack } from '../helpers/estatsStack';

/**
 * Schedule tick → eStats handler → HTTPS Akamai stand-in (verifies EdgeGrid signatures) →
 * the real Pushgateway. Asserts the exact series and labels that land.
 */
const stack = useEstatsStack();

let secretsManager: SecretsManagerStandin;

beforeAll(async () => {
  secretsManager = await startSecretsManagerStandin();
});
afterAll(async () => {
  await secretsManager.stop();
});
beforeEach(async () => {
  await stack.pushgateway.wipe();
  stack.akamai.requests.length = 0;
});

const URL_TARGET = 'https://www.example.com/shop/cart/view?id=42&lang=en';

function baseEnv(section = 'standin'): Record<string, string | undefined> {
  return {
    PUSHGATEWAY_URL: stack.pushgateway.url,
    AKAMAI_EDGERC: stack.edgercPath,
    AKAMAI_EDGERC_SECTION: section,
    AKAMAI_SECRET_ID: undefined,
    ESTATS_MIN_INTERVAL_MS: '0',
    ESTATS_SCHEDULE: undefined,
    LOG_LEVEL: 'info',
  };
}

const invoke = (event: unknown, env: Record<string, string | undefined> = baseEnv()) =>
  withEnv(env, () => captureStdout(() => handler(event, lambdaContext(60_000))));

function familyNames(group: Awaited<ReturnType<RealPushgateway['group']>>): string[] {
  return [...(group?.families.keys() ?? [])].filter((n) => !n.startsWith('push_')).sort();
}

describe('eStats pipeline: schedule tick to the real Pushgateway', () => {
  it('pushes each target to its own group, a URL with slashes and a query string included', async () => {
    const { result, error, lines } = await invoke({
      name: 'main',
      targets: [{ cpCode: 424242, delivery: 'STANDARD_TLS' }, { url: URL_TARGET }],
    });
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ schedule: 'main', targets: 2, ok: 2, failed: [] });

    const cpGroup = await stack.pushgateway.group({
      job: 'akamai_estats',
      cp_code: '424242',
      delivery: 'STANDARD_TLS',
    });
    expect(familyNames(cpGroup)).toEqual([
      'akamai_estats_errors',
      'akamai_estats_failure_ratio',
      'akamai_estats_hits',
      'akamai_estats_request_duration_seconds',
      'akamai_estats_sample_timestamp_seconds',
      'akamai_estats_status_class_ratio',
      'akamai_estats_status_hits',
      'akamai_estats_top_error_edge_ip_hits',
      'akamai_estats_up',
    ]);
    const hits = cpGroup?.families.get('akamai_estats_hits')?.metrics ?? [];
    expect(hits.map((m) => m.labels)).toEqual(
      [
        {
          job: 'akamai_estats',
          cp_code: '424242',
          delivery: 'STANDARD_TLS',
          instance: '',
          direction: 'edge',
        },
        {
          job: 'akamai_estats',
          cp_code: '424242',
          delivery: 'STANDARD_TLS',
          instance: '',
          direction: 'origin',
        },
      ].map((l) => expect.objectContaining(l)),
    );
    expect(Number(hits[0]?.value)).toBeGreaterThan(0);
    expect(cpGroup?.families.get('akamai_estats_up')?.metrics[0]?.value).toBe('1');
    const classes = cpGroup?.families.get('akamai_estats_status_class_ratio')?.metrics ?? [];
    expect(classes).toHaveLength(10);

    const urlGroup = await stack.pushgateway.group({ job: 'akamai_estats', url: URL_TARGET });
    expect(urlGroup?.families.get('akamai_estats_up')?.metrics[0]?.labels).toEqual({
      job: 'akamai_estats',
      url: URL_TARGET,
      instance: '',
    });

    const health = await stack.pushgateway.group({ job: 'akamai_estats', schedule: 'main' });
    expect(health?.families.get('collector_run_success')?.metrics[0]?.value).toBe('1');
    expect(
      Object.fromEntries(
        health?.families.get('collector_targets')?.metrics.map((m) => [m.labels.state, m.value]) ??
          [],
      ),
    ).toEqual({ failed: '0', ok: '2' });
    expect(
      Number(health?.families.get('collector_last_success_timestamp_seconds')?.metrics[0]?.value),
    ).toBeGreaterThan(Date.now() / 1000 - 60);

    // What the stand-in received: signed requests in the API's shape.
    expect(stack.akamai.requests.map((r) => [r.status, r.body])).toEqual([
      [200, { cpCode: 424242, delivery: 'STANDARD_TLS' }],
      [200, { url: URL_TARGET }],
    ]);
    // One summary line, structured.
    const summary = lines
      .map((l) => JSON.parse(l))
      .find((l) => l.message === 'eStats run finished');
    expect(summary).toMatchObject({
      level: 'info',
      function: 'estats',
      schedule: 'main',
      ok: 2,
      failed: 0,
    });

    const check = promtoolCheckMetrics(await stack.pushgateway.scrape());
    expect(check).toEqual({ status: 0, output: '' });
  });

  it('records a malformed answer for one target, names the field, and lands the others', async () => {
    stack.akamai.setBehaviour(
      { cpCode: 2 },
      { kind: 'body', body: '<html>gateway says hi</html>', contentType: 'text/html' },
    );
    stack.akamai.setBehaviour(
      { cpCode: 3 },
      {
        kind: 'body',
        body: JSON.stringify({ executionStatus: 'SUCCESS', result: { edgeHits: 'lots' } }),
      },
    );
    try {
      const { error, lines } = await invoke({
        name: 'mixed',
        targets: [{ cpCode: 1 }, { cpCode: 2 }, { cpCode: 3 }],
      });

      expect(error).toBeInstanceOf(CollectorRunError);
      const message = (error as Error).message;
      expect(message).toContain('2 of 3 targets failed');
      expect(message).toContain(
        'cpCode 2 [malformed_answer]: eStats for cpCode 2: answer is not JSON',
      );
      expect(message).toContain(
        'cpCode 3 [invalid_answer]: eStats for cpCode 3: unexpected answer: result.edgeHits:',
      );

      expect(
        (await stack.pushgateway.group({ job: 'akamai_estats', cp_code: '1' }))?.families.get(
          'akamai_estats_up',
        )?.metrics[0]?.value,
      ).toBe('1');
      for (const [cp, reason] of [
        ['2', 'malformed_answer'],
        ['3', 'invalid_answer'],
      ] as const) {
        const group = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: cp });
        expect(familyNames(group)).toEqual(['akamai_estats_failure_info', 'akamai_estats_up']);
        expect(group?.families.get('akamai_estats_up')?.metrics[0]?.value).toBe('0');
        expect(group?.families.get('akamai_estats_failure_info')?.metrics[0]?.labels.reason).toBe(
          reason,
        );
      }
      const health = await stack.pushgateway.group({ job: 'akamai_estats', schedule: 'mixed' });
      expect(health?.families.get('collector_run_success')?.metrics[0]?.value).toBe('0');
      expect(health?.families.has('collector_last_success_timestamp_seconds')).toBe(false);

      const failures = lines
        .map((l) => JSON.parse(l))
        .filter((l) => l.message === 'eStats target failed');
      // Requests run side by side: the failures are logged as they end, in any order.
      expect(failures.map((f) => [f.target, f.reason]).sort()).toEqual([
        ['cpCode 2', 'malformed_answer'],
        ['cpCode 3', 'invalid_answer'],
      ]);
    } finally {
      stack.akamai.setBehaviour({ cpCode: 2 }, { kind: 'normal' });
      stack.akamai.setBehaviour({ cpCode: 3 }, { kind: 'normal' });
    }
  });

  it("replaces a failed target's last good data so alerts do not read it as current", async () => {
    await invoke({ targets: [{ cpCode: 9 }] });
    expect(
      (await stack.pushgateway.group({ job: 'akamai_estats', cp_code: '9' }))?.families.has(
        'akamai_estats_hits',
      ),
    ).toBe(true);
    stack.akamai.queueBehaviour({
      kind: 'status',
      status: 403,
      problem: {
        type: 'https://problems.luna.akamaiapis.net/edge-diagnostics/forbidden.request.error',
        title: 'Forbidden',
        detail: 'No access to cpCode 9',
      },
    });
    const { error } = await invoke({ targets: [{ cpCode: 9 }] });
    expect((error as Error).message).toContain(
      'cpCode 9 [forbidden]: eStats for cpCode 9: HTTP 403 forbidden: Forbidden: No access to cpCode 9',
    );
    const group = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: '9' });
    expect(familyNames(group)).toEqual(['akamai_estats_failure_info', 'akamai_estats_up']);
  });

  it('honours Retry-After on 429 and then lands the data', async () => {
    stack.akamai.queueBehaviour({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '1' },
      holdsUntilRetryAfter: true,
      problem: {
        type: 'https://problems.luna.akamaiapis.net/edge-diagnostics/requests.exceeded.error',
        title: 'Too many requests',
      },
    });
    const { error } = await invoke({ targets: [{ cpCode: 11 }] });
    expect(error).toBeUndefined();
    // The held 429 answers a retry that comes before its Retry-After with another 429, so
    // these two statuses show the wait (by order, not by the wall clock).
    expect(stack.akamai.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('does not wait for a Retry-After that would pass the function deadline', async () => {
    stack.akamai.queueBehaviour({ kind: 'status', status: 429, headers: { 'retry-after': '120' } });
    const { error } = await withEnv(baseEnv(), () =>
      captureStdout(() => handler({ targets: [{ cpCode: 12 }] }, lambdaContext(10_000))),
    );
    expect((error as Error).message).toMatch(
      /cpCode 12 \[rate_limited\].*not retried: waiting 120 s would pass the function's deadline/,
    );
    expect(stack.akamai.requests).toHaveLength(1);
  });

  it('times out a slow answer within ESTATS_REQUEST_TIMEOUT_MS and says so', async () => {
    stack.akamai.queueBehaviour({ kind: 'delay', ms: 2_500 });
    const env = { ...baseEnv(), ESTATS_REQUEST_TIMEOUT_MS: '1000', ESTATS_MAX_ATTEMPTS: '1' };
    const { error } = await invoke({ targets: [{ cpCode: 13 }] }, env);
    expect((error as Error).message).toContain(
      'cpCode 13 [timeout]: eStats for cpCode 13: POST https://127.0.0.1:',
    );
    expect((error as Error).message).toContain('no answer within 1000 ms');
    const group = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: '13' });
    expect(group?.families.get('akamai_estats_failure_info')?.metrics[0]?.labels.reason).toBe(
      'timeout',
    );
  });

  it('tells a wrong client secret apart, and stops calling Akamai with credentials it refused', async () => {
    const { error } = await invoke(
      { targets: [{ cpCode: 21 }, { cpCode: 22 }] },
      baseEnv('wrong-secret'),
    );
    const message = (error as Error).message;
    expect(message).toContain(
      'cpCode 21 [auth_signature]: eStats for cpCode 21: HTTP 401 signature rejected: Not authorized: The signature does not match',
    );
    expect(message).toContain('cpCode 22 [auth_signature]: not requested');
    expect(stack.akamai.requests).toHaveLength(1);
  });

  it('signs the accountSwitchKey as part of the query string', async () => {
    const { error } = await invoke({
      accountSwitchKey: '1-ABCDE:1-2RBL',
      targets: [{ cpCode: 31 }],
    });
    expect(error).toBeUndefined();
    expect(stack.akamai.requests[0]?.query).toEqual({ accountSwitchKey: '1-ABCDE:1-2RBL' });
  });

  it('names the missing .edgerc fields and records every target as failed', async () => {
    const { error } = await invoke({ targets: [{ cpCode: 41 }] }, baseEnv('incomplete'));
    expect((error as Error).message).toContain(
      'section [incomplete] are missing: client_secret, access_token',
    );
    expect(stack.akamai.requests).toHaveLength(0);
    const group = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: '41' });
    expect(group?.families.get('akamai_estats_failure_info')?.metrics[0]?.labels.reason).toBe(
      'credentials',
    );
  });

  it('reads targets from ESTATS_SCHEDULE for a plain scheduled event, and refuses a bad one naming the field', async () => {
    const scheduledEvent = {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: new Date().toISOString(),
      detail: {},
    };
    const ok = await invoke(scheduledEvent, {
      ...baseEnv(),
      ESTATS_SCHEDULE: JSON.stringify({ targets: [{ cpCode: 51 }] }),
    });
    expect(ok.error).toBeUndefined();
    const bad = await invoke(scheduledEvent, {
      ...baseEnv(),
      ESTATS_SCHEDULE: JSON.stringify({ targets: [{ cpcode: 51 }] }),
    });
    expect((bad.error as Error).message).toContain('invalid eStats ESTATS_SCHEDULE: targets[0]');
    const none = await invoke(scheduledEvent);
    expect((none.error as Error).message).toContain(
      'the event has no "schedule" or "targets" and ESTATS_SCHEDULE is not set',
    );
  });

  it('fails with the group and the reason when the Pushgateway is down, and logs no stack trace alone', async () => {
    const env = {
      ...baseEnv(),
      PUSHGATEWAY_URL: 'http://127.0.0.1:1',
      PUSHGATEWAY_MAX_ATTEMPTS: '2',
    };
    const { error, lines } = await invoke({ targets: [{ cpCode: 61 }] }, env);
    const message = (error as Error).message;
    expect(message).toContain(
      'cpCode 61 [push_failed]: PUT {job="akamai_estats",cp_code="61"} to http://127.0.0.1:1',
    );
    expect(message).toContain('ECONNREFUSED');
    expect(message).toContain('collector health group not pushed');
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged.find((l) => l.message === 'eStats target failed')?.error.hint).toContain(
      'PUSHGATEWAY_URL',
    );
  });

  it('builds a fresh registry per invocation: a warm container leaks no series between runs', async () => {
    stack.akamai.setBehaviour({ cpCode: 71 }, { kind: 'incident', edge5xxRatio: 0.5 });
    await invoke({ targets: [{ cpCode: 71 }] });
    stack.akamai.setBehaviour({ cpCode: 71 }, { kind: 'normal' });
    await invoke({ targets: [{ cpCode: 72, errorType: 'EDGE_ERRORS' }] });
    const group = await stack.pushgateway.group({
      job: 'akamai_estats',
      cp_code: '72',
      error_type: 'EDGE_ERRORS',
    });
    const hitLabels = group?.families
      .get('akamai_estats_hits')
      ?.metrics.map((m) => m.labels.direction);
    expect(hitLabels).toEqual(['edge']);
    const statusLines = group?.families.get('akamai_estats_status_hits')?.metrics ?? [];
    expect(
      statusLines.every((m) => m.labels.cp_code === '72' && m.labels.direction === 'edge'),
    ).toBe(true);
  });

  describe('credentials from AWS Secrets Manager (the AWS SDK against the SigV4-checking stand-in)', () => {
    const smEnv = () => ({
      ...baseEnv(),
      AKAMAI_EDGERC: '/nonexistent/.edgerc',
      AKAMAI_SECRET_ID: 'pushgate-collector/akamai-edgegrid',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
      AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_REGION: STANDIN_AWS.region,
    });
    beforeEach(() => {
      resetSecretsForTests();
      secretsManager.calls.length = 0;
      secretsManager.secrets.clear();
    });

    it('reads the four EdgeGrid fields once and caches them across warm invocations', async () => {
      secretsManager.secrets.set(
        'pushgate-collector/akamai-edgegrid',
        JSON.stringify({
          host: stack.akamai.host,
          client_token: STANDIN_CLIENT.clientToken,
          client_secret: STANDIN_CLIENT.clientSecret,
          access_token: STANDIN_CLIENT.accessToken,
        }),
      );
      const first = await invoke({ targets: [{ cpCode: 81 }] }, smEnv());
      const second = await invoke({ targets: [{ cpCode: 81 }] }, smEnv());
      expect(first.error).toBeUndefined();
      expect(second.error).toBeUndefined();
      expect(secretsManager.calls).toEqual([
        {
          secretId: 'pushgate-collector/akamai-edgegrid',
          status: 200,
          accessKeyId: STANDIN_AWS.accessKeyId,
        },
      ]);
      // No credential reaches the logs.
      const logs = [...first.lines, ...second.lines].join('\n');
      for (const secret of [
        STANDIN_CLIENT.clientSecret,
        STANDIN_CLIENT.accessToken,
        STANDIN_CLIENT.clientToken,
      ])
        expect(logs).not.toContain(secret);
    });

    it('reads a rotated secret again after Akamai refuses the cached one', async () => {
      secretsManager.secrets.set(
        'pushgate-collector/akamai-edgegrid',
        JSON.stringify({
          host: stack.akamai.host,
          client_token: STANDIN_CLIENT.clientToken,
          client_secret: 'T2xkT2xkT2xkT2xkT2xkT2xkT2xkT2xkT2xkT2xkMDA=',
          access_token: STANDIN_CLIENT.accessToken,
        }),
      );
      await invoke({ targets: [{ cpCode: 82 }] }, smEnv());
      secretsManager.secrets.set(
        'pushgate-collector/akamai-edgegrid',
        JSON.stringify({
          host: stack.akamai.host,
          client_token: STANDIN_CLIENT.clientToken,
          client_secret: STANDIN_CLIENT.clientSecret,
          access_token: STANDIN_CLIENT.accessToken,
        }),
      );
      const { error, lines } = await invoke({ targets: [{ cpCode: 82 }] }, smEnv());
      expect(error).toBeUndefined();
      expect(secretsManager.calls.map((c) => c.status)).toEqual([200, 200, 200]);
      // The recovery is logged at info, naming the secret and never a value of it.
      const reread = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find(
          (line) =>
            line.message === 'read the Akamai credentials again; the requests go on with them',
        );
      expect(reread).toMatchObject({
        level: 'info',
        secret: 'pushgate-collector/akamai-edgegrid',
      });
      expect(lines.join('\n')).not.toContain(STANDIN_CLIENT.clientSecret);
    });

    it('says which secret is missing and what to do', async () => {
      const { error } = await invoke({ targets: [{ cpCode: 83 }] }, smEnv());
      expect((error as Error).message).toContain(
        'cannot read secret "pushgate-collector/akamai-edgegrid": ResourceNotFoundException',
      );
      expect((error as Error).message).toContain('create the secret, or fix the secret id');
    });

    it('names the fields a secret lacks', async () => {
      secretsManager.secrets.set(
        'pushgate-collector/akamai-edgegrid',
        JSON.stringify({ host: stack.akamai.host, client_token: 'x' }),
      );
      const { error } = await invoke({ targets: [{ cpCode: 84 }] }, smEnv());
      expect((error as Error).message).toContain(
        'EdgeGrid credentials in secret "pushgate-collector/akamai-edgegrid" are missing: client_secret, access_token',
      );
    });
  });
});
