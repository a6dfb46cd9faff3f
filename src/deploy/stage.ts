import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import * as z from 'zod/mini';
import '../shared/zod';
import { describeTarget, type EstatsSchedule, parseEstatsSchedule } from '../akamai/targets';
import type { AlertLinks } from '../alerting/slackTemplate';
import { parseSlos, type Slo } from '../alerting/slo';
import { type JanitorPolicy, OWNED_JOBS, parseJanitorPolicy } from '../janitor/policy';
import { JOB } from '../metrics/catalogue';
import { ConfigurationError } from '../shared/errors';
import { describeIssues } from '../shared/validation';
import { parseFleet } from '../synthetic/fleetConfig';

/**
 * A stage's schedules and targets: `config/<stage>.yml`, read by serverless.yml when it
 * packages or deploys (infra/serverless/schedules.js) and by `npm start` (the `local` stage).
 * Each schedule's input is validated with the schema the function itself uses, so a bad
 * target stops the deploy, naming the field, instead of failing the first run in the cloud.
 */
const rate = z.string().check(z.regex(/^(rate|cron)\(.+\)$/, 'must be rate(…) or cron(…)'));

const baseUrl = z.string().check(
  z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an absolute http:// or https:// URL, e.g. https://grafana.example.net',
  }),
);

const stageFileSchema = z.strictObject({
  estats: z._default(
    z.array(z.strictObject({ rate, enabled: z.optional(z.boolean()), input: z.unknown() })),
    [],
  ),
  synthetic: z._default(
    z.array(z.strictObject({ rate, enabled: z.optional(z.boolean()), fleet: z.unknown() })),
    [],
  ),
  /** Validated against the eStats schedules above (src/alerting/slo.ts). */
  slos: z.optional(z.unknown()),
  /** The janitor's schedule and TTLs (src/janitor/policy.ts checks them). */
  janitor: z._default(
    z.strictObject({
      rate: z._default(rate, 'rate(1 hour)'),
      enabled: z.optional(z.boolean()),
      dryRun: z.optional(z.boolean()),
      maxDeletesPerRun: z.optional(z.unknown()),
      ttl: z.optional(z.record(z.string(), z.unknown())),
    }),
    { rate: 'rate(1 hour)' },
  ),
  /** Base URLs of the links in Slack messages; a link whose base is missing is left out. */
  links: z._default(
    z.strictObject({
      grafana: z.optional(baseUrl),
      prometheus: z.optional(baseUrl),
      alertmanager: z.optional(baseUrl),
    }),
    {},
  ),
});

export interface StageConfig {
  /** The stage's name: its eStats schedules mark their groups with it. */
  stage: string;
  /** The file it came from, for messages. */
  file: string;
  estats: Array<{ rate: string; enabled: boolean; input: EstatsSchedule }>;
  synthetic: Array<{ rate: string; enabled: boolean; fleet: Record<string, unknown> }>;
  /** SLOs of eStats targets: recording rules and burn-rate alerts (npm run alerting:export). */
  slos: Slo[];
  /** Base URLs of Grafana, Prometheus and Alertmanager, for the links in Slack messages. */
  links: AlertLinks;
  /** The janitor's schedule, and its input: TTLs per job and the schedules it must keep. */
  janitor: { rate: string; enabled: boolean; policy: JanitorPolicy };
}

/** The stage whose file may keep the example targets: `npm start` and `invoke local`. */
export const EXAMPLE_STAGE = 'local';

/**
 * Read and validate a stage's file. Any stage but `local` must list real targets: the
 * shipped examples (CP code 424242, URLs on example domains) would call Akamai for someone
 * else's property, so they stop the deploy with a message saying which file to edit.
 */
export function loadStageConfig(file: string, stage: string): StageConfig {
  const shown = relative(process.cwd(), file) || file;
  if (!existsSync(file)) {
    throw new ConfigurationError(`stage "${stage}" has no schedule file: ${shown} does not exist`, {
      hint: `copy config/${EXAMPLE_STAGE}.yml to ${shown} and list your own CP codes and URLs in it`,
    });
  }
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`${shown} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = stageFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigurationError(`${shown}: ${describeIssues(parsed.error)}`, {
      hint: `see config/${EXAMPLE_STAGE}.yml and the README ("eStats targets")`,
    });
  }
  const estats = parsed.data.estats.map((schedule, i) => ({
    rate: schedule.rate,
    enabled: schedule.enabled ?? true,
    input: parseEstatsSchedule(schedule.input, `${shown}: estats[${i}].input`),
  }));
  const schedules: Omit<StageConfig, 'janitor'> = {
    stage,
    file: shown,
    estats,
    links: parsed.data.links,
    slos: parseSlos(
      parsed.data.slos,
      estats.map((s) => s.input),
      shown,
    ),
    synthetic: parsed.data.synthetic.map((schedule, i) => {
      const where = `${shown}: synthetic[${i}].fleet`;
      parseFleet(schedule.fleet, where);
      return {
        rate: schedule.rate,
        enabled: schedule.enabled ?? true,
        fleet: schedule.fleet as Record<string, unknown>,
      };
    }),
  };
  const config: StageConfig = {
    ...schedules,
    janitor: janitorOf(parsed.data.janitor, schedules, shown),
  };
  const names = config.estats.map((s) => s.input.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new ConfigurationError(`${shown}: two eStats schedules are named "${repeated}"`, {
      hint: 'each schedule needs its own name: it names its health group and its EventBridge rule',
    });
  }
  if (stage !== EXAMPLE_STAGE) {
    const examples = config.estats.flatMap((s) => s.input.targets.filter(isExampleTarget));
    if (examples.length > 0) {
      throw new ConfigurationError(
        `${shown} still lists example targets (${examples.map(describeTarget).join(', ')}): stage "${stage}" would call Akamai for someone else's property`,
        { hint: `edit ${shown}: list your own CP codes and URLs` },
      );
    }
  }
  return config;
}

/** A fleet's name (validated by parseFleet when the file was read), `default` when unnamed. */
function fleetName(fleet: Record<string, unknown>): string {
  return typeof fleet.name === 'string' ? fleet.name : 'default';
}

/** The names of the stage's enabled schedules per job: what its alert rules watch. */
export function enabledScheduleNames(config: StageConfig): Record<string, string[]> {
  return {
    [JOB.estats]: config.estats.filter((s) => s.enabled).map((s) => s.input.name),
    [JOB.synthetic]: config.synthetic.filter((s) => s.enabled).map((s) => fleetName(s.fleet)),
  };
}

/** A day: long after a stale group's alert fired and was seen. */
const DEFAULT_TTL = '24h';

/**
 * The janitor of this stage: on by default, hourly, a TTL of a day for every job of this
 * product; it keeps the run-health groups of the schedules deployed here.
 */
function janitorOf(
  section: z.infer<typeof stageFileSchema>['janitor'],
  config: Omit<StageConfig, 'janitor'>,
  shown: string,
): StageConfig['janitor'] {
  const policy = parseJanitorPolicy(
    {
      stage: config.stage,
      ...(section.dryRun !== undefined ? { dryRun: section.dryRun } : {}),
      ...(section.maxDeletesPerRun !== undefined
        ? { maxDeletesPerRun: section.maxDeletesPerRun }
        : {}),
      ttl: { ...Object.fromEntries(OWNED_JOBS.map((job) => [job, DEFAULT_TTL])), ...section.ttl },
      deployedSchedules: {
        [JOB.estats]: config.estats.map((s) => s.input.name),
        [JOB.synthetic]: config.synthetic.map((s) => fleetName(s.fleet)),
      },
    },
    `${shown}: janitor`,
  );
  return { rate: section.rate, enabled: section.enabled ?? true, policy };
}

/** CP code 424242 and the domains reserved for examples (RFC 2606) are the shipped examples. */
function isExampleTarget(target: EstatsSchedule['targets'][number]): boolean {
  if ('cpCode' in target) return target.cpCode === 424242;
  const host = new URL(target.url).hostname;
  return /(^|\.)example\.(com|net|org)$/.test(host) || /(^|\.)example$/.test(host);
}

/**
 * What a schedule needs to own its groups (collectors/estatsOwnership.ts): the stage, and for
 * each target the other schedules of the stage that collect the same group.
 */
function withOwnership(input: EstatsSchedule, config: StageConfig): EstatsSchedule {
  const collectors = new Map<string, string[]>();
  for (const { input: other } of config.estats)
    for (const target of other.targets) {
      const id = describeTarget(target);
      collectors.set(id, [...(collectors.get(id) ?? []), other.name]);
    }
  return {
    ...input,
    stage: config.stage,
    targets: input.targets.map(({ sharedWith: _given, ...target }) => {
      const others = (collectors.get(describeTarget(target)) ?? []).filter((n) => n !== input.name);
      return others.length > 0 ? { ...target, sharedWith: others } : target;
    }),
  };
}

/** One serverless.yml `schedule` event: what EventBridge is told to deliver, and when. */
export interface ScheduleEvent {
  schedule: {
    name: string;
    description: string;
    rate: string;
    enabled: boolean;
    input?: unknown;
    inputTransformer?: { inputPathsMap: Record<string, string>; inputTemplate: string };
  };
}

/** The schedule events of each function, as serverless.yml declares them. */
export function scheduleEvents(
  config: StageConfig,
  ruleName: (fn: string, schedule: string) => string,
): { estats: ScheduleEvent[]; synthetic: ScheduleEvent[]; janitor: ScheduleEvent[] } {
  return {
    janitor: [
      {
        schedule: {
          name: ruleName('janitor', 'ttl'),
          description: `Deletes this product's Pushgateway groups not pushed for longer than their TTL (${config.file})`,
          rate: config.janitor.rate,
          enabled: config.janitor.enabled,
          input: config.janitor.policy,
        },
      },
    ],
    estats: config.estats.map(({ rate, enabled, input }) => ({
      schedule: {
        name: ruleName('estats', input.name),
        description: `eStats targets of the ${input.name} schedule (${config.file})`,
        rate,
        enabled,
        input: withOwnership(input, config),
      },
    })),
    synthetic: config.synthetic.map(({ rate, enabled, fleet }) => {
      const name = fleetName(fleet);
      return {
        schedule: {
          name: ruleName('synthetic', name),
          description: `Simulated switch fleet ${name} (${config.file})`,
          rate,
          enabled,
          // The tick time (event.time) makes every value reproducible: a retried or duplicated
          // delivery pushes identical values. The fleet rides along in the same input.
          inputTransformer: {
            inputPathsMap: { time: '$.time' },
            inputTemplate: `{"time": <time>, "fleet": ${JSON.stringify(fleet)}}`,
          },
        },
      };
    }),
  };
}
