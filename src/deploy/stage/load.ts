import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { FileProblems } from '../../config/fileProblems';
import { readYamlSource } from '../../config/yamlSource';
import { OWNED_JOBS, parseJanitorPolicy } from '../../janitor/policy';
import { ConfigurationError } from '../../shared/errors';
import type { Env } from '../../config/env';
import { intervalSeconds } from '../scheduleExpressions';
import { settingsProblems, stageSettingsOf } from '../stageSettings';
import { parseClients } from './akamaiClients';
import { stageAlertingConfigOf } from './alerting';
import {
  byJob,
  checkDeployedSections,
  checkWithAlerting,
  readCollectorSections,
  type StageSchedules,
  slosOf,
  STAGE_COLLECTORS,
  withoutIndex,
} from './collectors';
import { intervalOf } from './collectors/common';
import { EXAMPLE_STAGE, type StageConfig } from './config';
import { checkDeployedStage } from './deployedStage';
import { checkJanitorTtls } from './janitorTtls';
import type { StageFile } from './schema';
import { readSections } from './sections';

/**
 * Read and validate a stage's file. Any stage but `local` must list real targets: the
 * shipped examples (CP code 424242, URLs on example domains) would call Akamai for someone
 * else's property, so they stop the deploy with a message saying which file to edit.
 */
export function loadStageConfig(
  file: string,
  stage: string,
  options: StageLoadOptions = {},
): StageConfig {
  const shown = relative(process.cwd(), file) || file;
  if (!existsSync(file)) {
    throw new ConfigurationError(`stage "${stage}" has no schedule file: ${shown} does not exist`, {
      hint: `copy config/${EXAMPLE_STAGE}.yml to ${shown} and list your own CP codes and URLs in it`,
    });
  }
  return stageConfigOf(readFileSync(file, 'utf8'), file, stage, options);
}

/** What packaging adds to the file: the command line's `--param`s and the environment. */
export interface StageLoadOptions {
  /** `--param`s by name (stageSettings.ts `commandLineParams`): each wins over the file. */
  params?: Readonly<Record<string, string>>;
  /** The environment: the local stage's PUSHGATEWAY_URL. */
  env?: Env;
}

/** What marks a value the user must replace (config/prod.example.yml). */
export const PLACEHOLDER = /CHANGE-ME/;

const STAGE_FILE_HINT = `fix each place listed; config/${EXAMPLE_STAGE}.yml shows every section`;

/**
 * The stage file's text, validated as loadStageConfig validates the file (`file` names it).
 * Every problem of the file is reported at once, each as `file:line:column`.
 */
export function stageConfigOf(
  text: string,
  file: string,
  stage: string,
  { params = {}, env = {} }: StageLoadOptions = {},
): StageConfig {
  const shown = relative(process.cwd(), file) || file;
  const source = readYamlSource(text);
  const problems = new FileProblems();
  for (const { message, position } of source.syntaxErrors)
    problems.addAt(position, `not valid YAML: ${message}`);
  problems.throwIfAny(shown, source, 'fix the YAML syntax first: indentation, quotes, brackets');

  // The placeholders of config/prod.example.yml: each must be replaced, on every stage.
  for (const { value, position } of source.stringsMatching(PLACEHOLDER))
    problems.addAt(
      position,
      `${JSON.stringify(value)} is a placeholder: replace ${PLACEHOLDER.source} with your own value`,
      'config/prod.example.yml marks every value you must give this way; its comments say what each one is',
    );
  const sections = readSections(source.value, problems);
  const settings = stageSettingsOf({ stage, params, section: sections.functions, env });
  if (sections.functions)
    for (const problem of settingsProblems(settings, stage, params))
      problems.addError(['functions'], problem);
  const clients = parseClients(sections.akamai?.clients ?? {}, problems);
  const warnings: string[] = [];
  const read = readCollectorSections(sections.schedules, { problems, clients, warnings, shown });
  const collected = { stage, file: shown, ...withoutIndex(read.schedules) };
  const schedules: Omit<StageConfig, 'janitor' | 'warnings' | 'alerting'> = {
    ...collected,
    settings,
    answerSeconds: sections.akamai?.answerSeconds ?? 0,
    links: sections.links ?? {},
    slos: slosOf(sections.slos, read, collected, problems),
  };
  const janitor = sections.janitor && janitorOf(sections.janitor, schedules, problems);
  const alerting = problems.attempt([], () =>
    stageAlertingConfigOf(sections.alerting, collectorIntervals(schedules), shown),
  );
  if (alerting) checkWithAlerting(read.schedules, alerting, problems);
  if (alerting && janitor)
    checkJanitorTtls(
      janitor.policy.ttl,
      schedules,
      alerting.collectors.staleAfterIntervals,
      sections.janitor?.ttl ?? {},
      problems,
    );
  if (stage !== EXAMPLE_STAGE) {
    checkDeployedSections(read.schedules, stage, problems);
    checkDeployedStage({ stage, clients, links: schedules.links, alerting }, problems);
  }
  problems.throwIfAny(shown, source, STAGE_FILE_HINT);
  if (!janitor || !alerting) throw new Error(`${shown}: a section failed without a problem`);
  return { ...schedules, janitor, alerting, warnings };
}

/**
 * Seconds between two runs of each collector job, for its staleness alerts: the longest gap
 * of any of its enabled schedules, so none of them is stale between two of its own runs. A
 * job without an enabled schedule keeps the default.
 */
function collectorIntervals(config: StageSchedules): Record<string, number> {
  const intervals = byJob((collector) =>
    Math.max(
      ...collector
        .schedulesOf(config)
        .filter((s) => s.enabled)
        .map((s) => intervalSeconds(s.rate).longest),
    ),
  );
  return Object.fromEntries(Object.entries(intervals).filter(([, seconds]) => seconds > 0));
}

/** A day: long after a stale group's alert fired and was seen. */
const DEFAULT_TTL = '24h';

/**
 * The janitor of this stage: on by default, hourly, a TTL of a day for every job of this
 * product; it keeps the run-health groups of the schedules deployed here.
 */
function janitorOf(
  section: StageFile['janitor'],
  config: Omit<StageConfig, 'janitor' | 'warnings' | 'alerting'>,
  problems: FileProblems,
): StageConfig['janitor'] | undefined {
  const interval = intervalOf(section.rate, ['janitor', 'rate'], problems);
  const policy = problems.attempt(['janitor'], () =>
    parseJanitorPolicy(
      {
        stage: config.stage,
        ...(section.dryRun !== undefined ? { dryRun: section.dryRun } : {}),
        ...(section.maxDeletesPerRun !== undefined
          ? { maxDeletesPerRun: section.maxDeletesPerRun }
          : {}),
        ttl: { ...Object.fromEntries(OWNED_JOBS.map((job) => [job, DEFAULT_TTL])), ...section.ttl },
        deployedSchedules: byJob((collector) => collector.schedulesOf(config).map((s) => s.name)),
        targetJobs: Object.fromEntries(
          STAGE_COLLECTORS.flatMap((collector) =>
            (collector.targetJobsOf?.(config) ?? []).map((job) => [job, collector.job]),
          ),
        ),
      },
      'janitor',
    ),
  );
  if (policy === undefined || interval === undefined) return undefined;
  return { rate: section.rate, enabled: section.enabled ?? true, policy };
}
