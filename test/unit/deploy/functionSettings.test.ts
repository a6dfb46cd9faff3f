import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { KNOWN_VARIABLES, SETTINGS } from '../../../src/config/settings';
import { estatsSettingsFromEnv } from '../../../src/config/estats';
import { safetyMarginMsFromEnv } from '../../../src/config/invocation';
import { secretSettingsFromEnv } from '../../../src/config/secrets';
import {
  commandLineParams,
  settingsProblems,
  stageSettingsOf,
} from '../../../src/deploy/stageSettings';
import { STAGE_FUNCTIONS, stageFunctionEnvironments } from '../../../src/deploy/stage';
import { carbonOptionsFromEnv } from '../../../src/sinks/graphite/settings';
import { pushgatewaySettingsFromEnv } from '../../../src/sinks/pushgateway/settings';
import { remoteWriteOptionsFromEnv } from '../../../src/sinks/remoteWrite/settings';

const REAL = { pushgatewayUrl: 'https://pg.acme.test' };

/** Every problem of a stage's settings, each as packaging prints it. */
const refusals = (
  section: Record<string, string | number>,
  params: Record<string, string> = {},
): string[] =>
  settingsProblems(
    stageSettingsOf({ stage: 'prod', params, section: { ...REAL, ...section } }),
    'prod',
    params,
  ).map((error) => `${error.message}. ${error.hint ?? ''}`);

describe("a stage's settings (src/config/settings.ts)", () => {
  it('takes a --param over the stage file over the default', () => {
    const settings = stageSettingsOf({
      stage: 'prod',
      params: { logLevel: 'debug' },
      section: { logLevel: 'warn', pushgatewayQuorum: 2, estatsTimeout: 300 },
    });
    expect(settings).toMatchObject({
      logLevel: 'debug',
      pushgatewayQuorum: '2',
      estatsTimeout: '300',
      scrapeTimeout: '50',
      sinks: 'pushgateway',
    });
  });

  it('refuses a misspelt --param, naming the nearest setting', () => {
    expect(() => commandLineParams(['logLevl=debug'])).toThrow(
      'unknown setting --param=logLevl (did you mean logLevel?)',
    );
    expect(() => commandLineParams(['logLevl=debug', 'pushgatewayQuorom=2'])).toThrow(
      'unknown settings --param=logLevl (did you mean logLevel?), --param=pushgatewayQuorom (did you mean pushgatewayQuorum?)',
    );
    expect(commandLineParams(['stageConfig=a=b.yml', 'logLevel=debug'])).toEqual({
      stageConfig: 'a=b.yml',
      logLevel: 'debug',
    });
  });

  it('packages a variable only off its default, but the ones the console should show', () => {
    const env = stageFunctionEnvironments(
      stageSettingsOf({ stage: 'prod', section: { ...REAL, pushgatewayTimeoutMs: 5000 } }),
      'prod',
    );
    expect(env.provider).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      SINKS: 'pushgateway',
      PUSHGATEWAY_URL: 'https://pg.acme.test',
      PUSHGATEWAY_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'info',
    });
    expect(env.estats).toEqual({ AKAMAI_SECRET_ID: 'pushgate-collector/akamai-edgegrid' });
    expect(env.exportAlerting).toEqual({ ALERTING_PREFIX: 'alerting/' });
    // The local stage reads credentials from .edgerc: no secret ids.
    const local = stageFunctionEnvironments(stageSettingsOf({ stage: 'local' }), 'local');
    expect(local.estats).toEqual({});
  });

  it('gives the scrape function its own Pushgateway, and the janitor every one, when set', () => {
    const own = 'https://pg-exporters.acme.test';
    const env = stageFunctionEnvironments(
      stageSettingsOf({ stage: 'prod', section: { ...REAL, scrapePushgatewayUrl: own } }),
      'prod',
    );
    expect(env.provider.PUSHGATEWAY_URL).toBe('https://pg.acme.test');
    expect(env.scrape).toEqual({ PUSHGATEWAY_URL: own });
    expect(env.janitor).toEqual({ PUSHGATEWAY_URL: `https://pg.acme.test,${own}` });
    const none = stageFunctionEnvironments(
      stageSettingsOf({ stage: 'prod', section: REAL }),
      'prod',
    );
    expect([none.scrape, none.janitor]).toEqual([{}, {}]);
    expect(refusals({ scrapePushgatewayUrl: 'http://127.0.0.1:9091' }).join('\n')).toContain(
      'functions.scrapePushgatewayUrl',
    );
    expect(
      refusals({
        scrapePushgatewayUrl: own,
        sinks: 'remote-write',
        remoteWriteUrl: 'https://mimir.acme.test/api/v1/push',
      }),
    ).toEqual([
      'functions.scrapePushgatewayUrl: is set, but sinks (remote-write) has no pushgateway. leave scrapePushgatewayUrl out, or add pushgateway to sinks',
    ]);
  });

  it("documents each default as the function's own: setting it changes nothing the function reads", () => {
    const defaults = Object.fromEntries(
      SETTINGS.filter((s) => s.variable && s.default !== '' && !s.localOnly).map((s) => [
        s.variable,
        s.default,
      ]),
    );
    const base = {
      PUSHGATEWAY_URL: 'https://pg.acme.test',
      REMOTE_WRITE_URL: 'https://rw.acme.test/w',
      GRAPHITE_HOST: 'carbon.acme.test',
      AKAMAI_SECRET_ID: 's',
    };
    const readers = [
      estatsSettingsFromEnv,
      safetyMarginMsFromEnv,
      (env: Record<string, string>) => secretSettingsFromEnv(env, 's'),
      pushgatewaySettingsFromEnv,
      remoteWriteOptionsFromEnv,
      carbonOptionsFromEnv,
    ] as Array<(env: Record<string, string>) => unknown>;
    for (const read of readers)
      expect(JSON.stringify(read({ ...defaults, ...base }))).toBe(JSON.stringify(read(base)));
  });

  it.each([
    [{ logLevel: 'verbose' }, 'logLevel', 'LOG_LEVEL'],
    [{ pushgatewayQuorum: 2 }, 'pushgatewayQuorum', 'PUSHGATEWAY_QUORUM'],
    [{ estatsMaxInFlight: 1000 }, 'estatsMaxInFlight', 'ESTATS_MAX_IN_FLIGHT'],
    [{ sinks: 'graphite' }, 'graphiteHost', 'graphiteHost'],
    [{ estatsTimeout: '3min' }, 'estatsTimeout', 'got "3min"'],
    [{ vpcSubnetIds: 'subnet-1' }, 'vpcSecurityGroupIds', 'or neither'],
  ])('refuses %j when packaging, naming the setting to fix', (section, key, detail) => {
    const [text = 'accepted', ...more] = refusals(section);
    expect(more).toEqual([]);
    expect(text).toContain(`functions.${key}`);
    expect(text).toContain(detail);
    expect(text).not.toContain('NaN');
    expect(text).not.toContain('serverless.yml');
  });

  it('names the --param when the refused value came from the command line', () => {
    expect(refusals({}, { logLevel: 'loud' })).toEqual([
      expect.stringContaining('--param=logLevel: environment variable LOG_LEVEL="loud"'),
    ]);
  });

  it('reports every bad setting at once', () => {
    const all = refusals({
      logLevel: 'loud',
      pushgatewayQuorum: 3,
      estatsMaxInFlight: 1000,
      scrapeTimeout: 2,
      vpcSubnetIds: 'subnet-1',
    });
    expect(all.map((text) => /^functions\.(\w+)/.exec(text)?.[1])).toEqual([
      'logLevel',
      'estatsMaxInFlight',
      'pushgatewayQuorum',
      'scrapeTimeout',
      'vpcSecurityGroupIds',
    ]);
  });

  it('names every variable it reads in the table once (once per function of its own)', () => {
    const scoped = SETTINGS.flatMap((s) => (s.variable ? [`${s.function}:${s.variable}`] : []));
    expect(new Set(scoped).size).toBe(scoped.length);
    expect(new Set(KNOWN_VARIABLES).size).toBe(KNOWN_VARIABLES.length);
    const keys = SETTINGS.flatMap((s) => (s.key ? [s.key] : []));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("keys each function's variables by its name in serverless.yml, every function present", () => {
    // Its CloudFormation tags (!Ref, !GetAtt) are not this test's: read as plain values.
    const manifest = parse(readFileSync('serverless.yml', 'utf8'), { logLevel: 'error' }) as {
      functions: object;
    };
    expect([...STAGE_FUNCTIONS].sort()).toEqual(Object.keys(manifest.functions).sort());
    const owners = SETTINGS.flatMap((s) => (s.function ? [s.function] : []));
    expect(owners.filter((name) => !STAGE_FUNCTIONS.includes(name))).toEqual([]);
    const env = stageFunctionEnvironments(stageSettingsOf({ stage: 'local' }), 'local');
    expect(Object.keys(env).sort()).toEqual(['provider', ...STAGE_FUNCTIONS].sort());
  });
});
