import * as z from 'zod/mini';
import '../shared/zod';
import type { Env } from '../config/env';
import { estatsSettingsFromEnv } from '../config/estats';
import {
  configuredLogLevelFromEnv,
  logLevelFromEnv,
  safetyMarginMsFromEnv,
} from '../config/invocation';
import { PARAM_NAMES, SETTINGS, STAGE_SETTINGS } from '../config/settings';
import { ConfigurationError } from '../shared/errors';
import type { LogLevel } from '../shared/logger';
import { nearestOf } from '../shared/nearest';
import { carbonOptionsFromEnv } from '../sinks/graphite/settings';
import { sinkNamesFromEnv } from '../sinks/names';
import { pushgatewaySettingsFromEnv } from '../sinks/pushgateway/settings';
import { remoteWriteOptionsFromEnv } from '../sinks/remoteWrite/settings';
import { checkDestinations } from './guards';

/** Every setting of a stage by its key, as text ('' when unset): see src/config/settings.ts. */
export type StageSettings = Readonly<Record<string, string>>;

/** What a stage file's `functions:` section may hold: one optional value per setting. */
export const functionsSectionSchema = z.strictObject(
  Object.fromEntries(
    STAGE_SETTINGS.map((setting) => [
      setting.key,
      z.optional(
        z
          .union([z.string(), z.number(), z.boolean()])
          .check(
            z.describe(
              `${setting.description}${setting.variable ? ` (${setting.variable})` : ''}. Default: ${setting.default || 'none'}`,
            ),
          ),
      ),
    ]),
  ),
);

export type FunctionsSection = z.infer<typeof functionsSectionSchema>;

/**
 * The `--param`s of the command line (osls hands them over as `key=value` strings). A name
 * that is no setting is refused, naming the nearest one: a misspelt param would otherwise be
 * ignored without a word.
 */
export function commandLineParams(given: unknown): Record<string, string> {
  const list = Array.isArray(given) ? given : typeof given === 'string' ? [given] : [];
  const params: Record<string, string> = {};
  const unknown: string[] = [];
  for (const item of list) {
    const [key = '', ...rest] = String(item).split('=');
    if (!PARAM_NAMES.includes(key)) {
      const nearest = nearestOf(key, PARAM_NAMES);
      unknown.push(`--param=${key}${nearest ? ` (did you mean ${nearest}?)` : ''}`);
      continue;
    }
    params[key] = rest.join('=').trim();
  }
  if (unknown.length > 0)
    throw new ConfigurationError(
      `unknown ${unknown.length > 1 ? 'settings' : 'setting'} ${unknown.join(', ')}`,
      { hint: 'fix the name; every setting is listed in docs/reference/settings.md' },
    );
  return params;
}

/**
 * The stage's settings: a `--param` over the stage file's `functions:` over the default. The
 * local stage's Pushgateway is the `PUSHGATEWAY_URL` of the environment, when set (npm start,
 * the tests).
 */
export function stageSettingsOf(options: {
  stage: string;
  params?: Readonly<Record<string, string>>;
  section?: FunctionsSection | undefined;
  env?: Env;
}): StageSettings {
  const { stage, params = {}, section = {}, env = {} } = options;
  const settings: Record<string, string> = {};
  for (const setting of SETTINGS) {
    if (setting.key === undefined) continue;
    const fromFile = section[setting.key];
    const localDefault =
      stage === LOCAL_STAGE && setting.key === 'pushgatewayUrl' ? env.PUSHGATEWAY_URL : undefined;
    settings[setting.key] =
      params[setting.key] ??
      (fromFile === undefined ? undefined : String(fromFile)) ??
      localDefault ??
      setting.default;
  }
  return settings;
}

/** The stage of `npm start` and `invoke local`: no secret ids, credentials from .edgerc. */
const LOCAL_STAGE = 'local';

/**
 * The functions' variables: `provider`, those of every function, and each function's own,
 * by its name in serverless.yml (a setting's `function`). Every function of `functions` has
 * an entry, empty when it has no variable of its own.
 */
export type FunctionEnvironments = Record<string, Record<string, string>> & {
  provider: Record<string, string>;
};

/**
 * Each setting with a variable becomes it where it is not the function's own default (or is
 * always set); deployed-only ones (secret ids) not on the local stage. `functions` are the
 * stage's functions by name.
 */
export function functionEnvironmentsOf(
  settings: StageSettings,
  stage: string,
  functions: readonly string[],
): FunctionEnvironments {
  const environments: FunctionEnvironments = {
    ...Object.fromEntries(functions.map((name) => [name, {}])),
    provider: { NODE_OPTIONS: '--enable-source-maps' },
  };
  for (const setting of SETTINGS) {
    if (setting.key === undefined || setting.variable === undefined) continue;
    if (setting.deployedOnly && stage === LOCAL_STAGE) continue;
    const value = settings[setting.key] ?? '';
    if (value === '' || (value === setting.default && !setting.alwaysSet)) continue;
    (environments[setting.function ?? 'provider'] ??= {})[setting.variable] = value;
  }
  // The janitor cleans every Pushgateway the stage pushes to: a function's own ones too.
  const own = functions.flatMap((name) => environments[name]?.PUSHGATEWAY_URL ?? []);
  if (own.length > 0 && environments[JANITOR_FUNCTION])
    environments[JANITOR_FUNCTION].PUSHGATEWAY_URL = [settings.pushgatewayUrl, ...own]
      .filter(Boolean)
      .join(',');
  return environments;
}

/** The janitor's function: it reads every Pushgateway the stage's functions push to. */
const JANITOR_FUNCTION = 'janitor';

/** Where a setting's value came from, for the message that refuses it. */
function origin(key: string, params: Readonly<Record<string, string>>): string {
  return key in params ? `--param=${key}` : `functions.${key}`;
}

/**
 * Check a stage's settings as the functions will read them, and what packaging needs of them,
 * so a bad value stops the deploy naming its setting. Every problem is returned, each placed
 * at `functions.<key>` of the stage file by its fields (none when a `--param` gave it).
 */
export function settingsProblems(
  settings: StageSettings,
  stage: string,
  params: Readonly<Record<string, string>> = {},
): ConfigurationError[] {
  const problems: ConfigurationError[] = [];
  const refuse = (key: string, message: string, hint?: string) => {
    const where = origin(key, params);
    problems.push(
      new ConfigurationError(`${where}: ${message}`, {
        ...(hint ? { hint } : {}),
        fields: key in params ? [] : [{ path: [key], message }],
      }),
    );
  };
  /** A check that throws: its ConfigurationError becomes the problem of the setting it names. */
  const check = (read: () => unknown, keyOf: (error: ConfigurationError) => string | undefined) => {
    try {
      read();
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      const key = keyOf(error);
      if (key === undefined) problems.push(error);
      else refuse(key, error.message, error.hint);
    }
  };
  // Said in settings' words first: the readers below speak of variables.
  if (stage !== LOCAL_STAGE)
    check(
      () =>
        checkDestinations(stage, {
          sinks: settings.sinks ?? '',
          pushgatewayUrl: settings.pushgatewayUrl ?? '',
          ownPushgatewayUrls: Object.fromEntries(
            SETTINGS.flatMap(({ key, function: name, variable, example }) =>
              key && name && variable === 'PUSHGATEWAY_URL'
                ? [[key, { value: settings[key] ?? '', example }]]
                : [],
            ),
          ),
          remoteWriteUrl: settings.remoteWriteUrl ?? '',
          graphiteHost: settings.graphiteHost ?? '',
        }),
      (error) => error.fields[0]?.path[0]?.toString(),
    );
  const { provider, ...own } = functionEnvironmentsOf(settings, stage, []);
  // Every variable a function reads: its own over every function's, the shared ones (a
  // function's own Pushgateway) as every function has them; checked apart below.
  const all = {
    ...Object.assign({}, ...Object.values(own)),
    ...provider,
    AKAMAI_SECRET_ID: stage === LOCAL_STAGE ? undefined : 'packaged',
  };
  // The variable to fix: "SINKS names graphite, but GRAPHITE_HOST is not set" is GRAPHITE_HOST's.
  const settingNamed = (error: ConfigurationError) => {
    const named = SETTINGS.filter((s) => s.variable && error.message.includes(s.variable));
    return (named.find((s) => s.variable !== 'SINKS') ?? named[0])?.key;
  };
  const destinationsRefused = problems.length > 0;
  check(() => logLevelFromEnv(all), settingNamed);
  check(() => safetyMarginMsFromEnv(all), settingNamed);
  check(() => estatsSettingsFromEnv(all), settingNamed);
  if (!destinationsRefused) {
    let sinks: readonly string[] = [];
    check(() => (sinks = sinkNamesFromEnv(all)), settingNamed);
    if (sinks.includes('pushgateway')) check(() => pushgatewaySettingsFromEnv(all), settingNamed);
    // A function's own Pushgateway (scrapePushgatewayUrl), in place of every function's.
    for (const { key, function: name, variable } of SETTINGS) {
      if (!key || !name || variable !== 'PUSHGATEWAY_URL' || !own[name]?.PUSHGATEWAY_URL) continue;
      if (sinks.includes('pushgateway'))
        check(
          () => pushgatewaySettingsFromEnv({ ...all, ...own[name] }),
          () => key,
        );
      else
        refuse(
          key,
          `is set, but sinks (${settings.sinks}) has no pushgateway`,
          `leave ${key} out, or add pushgateway to sinks`,
        );
    }
    if (sinks.includes('remote-write')) check(() => remoteWriteOptionsFromEnv(all), settingNamed);
    if (sinks.includes('graphite')) check(() => carbonOptionsFromEnv(all), settingNamed);
  }
  for (const { key, range, choices } of SETTINGS) {
    if (key === undefined) continue;
    const given = settings[key] ?? '';
    const value = Number(given);
    if (range && (given === '' || !Number.isInteger(value) || value < range[0] || value > range[1]))
      refuse(
        key,
        `must be a whole number from ${range[0]} to ${range[1]} (Lambda's limits), got "${given}"`,
      );
    if (choices && !choices.includes(given))
      refuse(key, `must be ${choices.map((a) => `"${a}"`).join(' or ')}, got "${given}"`);
  }
  if (!settings.vpcSubnetIds !== !settings.vpcSecurityGroupIds)
    refuse(
      settings.vpcSubnetIds ? 'vpcSecurityGroupIds' : 'vpcSubnetIds',
      'set both vpcSubnetIds and vpcSecurityGroupIds, or neither',
    );
  return problems;
}

/** The settings serverless.yml takes as numbers (`custom.stage.lambda`): those with a range. */
export function lambdaNumbersOf(settings: StageSettings): Record<string, number> {
  return Object.fromEntries(
    SETTINGS.flatMap(({ key, range }) =>
      key !== undefined && range ? [[key, Number(settings[key])]] : [],
    ),
  );
}

/**
 * The functions' Lambda logging config (provider.logs.lambda): the JSON log format, so Lambda
 * reads our lines' level and timestamp, and ApplicationLogLevel at the logLevel setting's level.
 * Lambda gives it to the functions as AWS_LAMBDA_LOG_LEVEL, which the logger honours.
 */
export function lambdaLoggingOf(env: Env): {
  logFormat: 'JSON';
  applicationLogLevel: Uppercase<LogLevel>;
  systemLogLevel: 'INFO';
} {
  return {
    logFormat: 'JSON',
    applicationLogLevel: configuredLogLevelFromEnv(env).toUpperCase() as Uppercase<LogLevel>,
    // INFO keeps the platform's START, END and REPORT lines (duration, memory, init time).
    systemLogLevel: 'INFO',
  };
}
