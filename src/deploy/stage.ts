import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import * as z from 'zod/mini';
import '../shared/zod';
import { type AkamaiClient, akamaiClientSchema, DEFAULT_CLIENT } from '../akamai/clients';
import {
  describeTarget,
  type EstatsSchedule,
  type EstatsTarget,
  MAX_CP_CODE,
  parseEstatsSchedule,
  targetWarnings,
} from '../akamai/targets';
import { DEFAULT_ESTATS_ANSWER_SECONDS, DEFAULT_SAFETY_MARGIN_MS } from '../constants';
import { checkEstatsBudget, estatsBudget, formatEstatsBudget } from './estatsBudget';
import { intervalSeconds, shortestIntervalSeconds } from './scheduleExpressions';
import { type AlertingConfig, DEFAULT_ALERTING_CONFIG } from '../alerting/config';
import { alertingConfigOf } from '../alerting/settings';
import { isExampleHost, isLocalOnly } from './guards';
import type { AlertLinks } from '../alerting/slackTemplate';
import { parseSlos, type Slo } from '../alerting/slo';
import { type JanitorPolicy, OWNED_JOBS, parseJanitorPolicy } from '../janitor/policy';
import { JOB } from '../metrics/catalogue';
import { ConfigurationError } from '../shared/errors';
import { describeIssues } from '../shared/validation';
import { parseFleet } from '../synthetic/fleetConfig';
import {
  jobOf,
  parseScrapeSchedule,
  type ScrapeSchedule,
  scheduleSecrets,
} from '../scrape/schedule';

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

/** An API client as the stage file names it: its name is its key under akamai.clients. */
const stageClientSchema = z.strictObject({
  secret: z.optional(z.unknown()),
  edgercSection: z.optional(z.unknown()),
  accountSwitchKey: z.optional(z.unknown()),
  rateLimitPerMinute: z.optional(z.unknown()),
  reserve: z.optional(z.unknown()),
});

const stageFileSchema = z.strictObject({
  /** The stage's Akamai API clients, and what the packaging budget check assumes. */
  akamai: z._default(
    z.strictObject({
      answerSeconds: z._default(
        z.number().check(z.positive(), z.lte(60)),
        DEFAULT_ESTATS_ANSWER_SECONDS,
      ),
      clients: z._default(z.record(z.string(), stageClientSchema), {}),
    }),
    { answerSeconds: DEFAULT_ESTATS_ANSWER_SECONDS, clients: {} },
  ),
  estats: z._default(
    z.array(
      z.strictObject({
        rate,
        enabled: z.optional(z.boolean()),
        /** The API client of the schedule's requests, or several to spread its targets over. */
        client: z.optional(z.string()),
        clients: z.optional(z.array(z.string()).check(z.minLength(1))),
        input: z.unknown(),
      }),
    ),
    [],
  ),
  synthetic: z._default(
    z.array(z.strictObject({ rate, enabled: z.optional(z.boolean()), fleet: z.unknown() })),
    [],
  ),
  /** Prometheus endpoints fetched and pushed (src/scrape/schedule.ts checks each input). */
  scrape: z._default(
    z.array(z.strictObject({ rate, enabled: z.optional(z.boolean()), input: z.unknown() })),
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
  /** Alert thresholds, receivers and channels over the defaults (src/alerting/settings.ts). */
  alerting: z.optional(z.unknown()),
});

export interface StageConfig {
  /** The stage's name: its eStats schedules mark their groups with it. */
  stage: string;
  /** The file it came from, for messages. */
  file: string;
  /** Each schedule's input carries its API clients (none: the function's environment's). */
  estats: Array<{ rate: string; enabled: boolean; input: EstatsSchedule }>;
  /** What one eStats answer is assumed to take, for the packaging budget check. */
  answerSeconds: number;
  synthetic: Array<{ rate: string; enabled: boolean; fleet: Record<string, unknown> }>;
  /** Each scrape schedule's input, its interval set. */
  scrape: Array<{ rate: string; enabled: boolean; input: ScrapeSchedule }>;
  /** SLOs of eStats targets: recording rules and burn-rate alerts (npm run alerting:export). */
  slos: Slo[];
  /** Base URLs of Grafana, Prometheus and Alertmanager, for the links in Slack messages. */
  links: AlertLinks;
  /** The janitor's schedule, and its input: TTLs per job and the schedules it must keep. */
  janitor: { rate: string; enabled: boolean; policy: JanitorPolicy };
  /** The stage's alerting: defaults, its `alerting:` section, its schedules' intervals. */
  alerting: AlertingConfig;
  /** What packaging prints but accepts (secret-looking query parameters of URL targets). */
  warnings: string[];
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
  return stageConfigOf(readFileSync(file, 'utf8'), file, stage);
}

/** The stage file's text, validated as loadStageConfig validates the file (`file` names it). */
export function stageConfigOf(text: string, file: string, stage: string): StageConfig {
  const shown = relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ConfigurationError(`${shown} is not valid YAML: ${(error as Error).message}`);
  }
  const parsed = stageFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new ConfigurationError(`${shown}: ${describeIssues(parsed.error)}`, {
      hint: `see config/${EXAMPLE_STAGE}.yml and the README ("eStats targets")`,
    });
  }
  const clients = parseClients(parsed.data.akamai.clients, shown);
  const warnings: string[] = [];
  const estats = parsed.data.estats.map((schedule, i) => {
    const where = `${shown}: estats[${i}]`;
    const input = parseEstatsSchedule(schedule.input, `${where}.input`);
    warnings.push(...targetWarnings(input, `${where}.input`));
    if (input.discover)
      warnings.push(
        `${where} (${input.name}) discovers its CP codes at run time: its Akamai budget is known only then. The table counts its maxTargets (${input.discover.maxTargets}) besides the ${input.targets.length} listed; a run that matches more refuses, and the Akamai budget series and CollectorRunsOutgrowInterval show what the runs really ask`,
      );
    if (input.clients !== undefined)
      throw new ConfigurationError(`${where}.input.clients: name the clients beside "rate"`, {
        hint: 'define them under akamai.clients and write "client: NAME" (or "clients: [A, B]") on the schedule',
      });
    const named = clientsOf(schedule, clients, where);
    return {
      rate: schedule.rate,
      enabled: schedule.enabled ?? true,
      input: {
        ...input,
        ...(named ? { clients: named } : {}),
        intervalSeconds: scheduleIntervalSeconds(schedule.rate, where),
      },
    };
  });
  const schedules: Omit<StageConfig, 'janitor' | 'warnings' | 'alerting'> = {
    stage,
    file: shown,
    estats,
    answerSeconds: parsed.data.akamai.answerSeconds,
    links: parsed.data.links,
    slos: parseSlos(
      parsed.data.slos,
      estats.map((s) => s.input),
      shown,
    ),
    synthetic: parsed.data.synthetic.map((schedule, i) => {
      const where = `${shown}: synthetic[${i}]`;
      parseFleet(schedule.fleet, `${where}.fleet`);
      scheduleIntervalSeconds(schedule.rate, where);
      return {
        rate: schedule.rate,
        enabled: schedule.enabled ?? true,
        fleet: schedule.fleet as Record<string, unknown>,
      };
    }),
    scrape: scrapeSchedulesOf(parsed.data.scrape, shown),
  };
  scheduleIntervalSeconds(parsed.data.janitor.rate, `${shown}: janitor`);
  const config: StageConfig = {
    ...schedules,
    janitor: janitorOf(parsed.data.janitor, schedules, shown),
    alerting: alertingConfigOf(parsed.data.alerting, collectorIntervals(schedules), shown),
    warnings,
  };
  // The Pushgateways' own scrape job: its `up` is what PushgatewayDown reads.
  const pushgatewayJob = config.alerting.collectors.pushgatewayScrapeJob;
  const asPushgateway = config.scrape.find((s) => jobOf(s.input) === pushgatewayJob);
  if (asPushgateway)
    throw new ConfigurationError(
      `${shown}: scrape schedule ${asPushgateway.input.name} has job "${pushgatewayJob}", the job Prometheus scrapes the Pushgateways as`,
      {
        hint: "its up series would read as a Pushgateway's (PushgatewayDown): name the job after what it fetches",
      },
    );
  const names = config.estats.map((s) => s.input.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new ConfigurationError(`${shown}: two eStats schedules are named "${repeated}"`, {
      hint: 'each schedule needs its own name: it names its health group and its EventBridge rule',
    });
  }
  if (stage !== EXAMPLE_STAGE) {
    const local = [...clients.values()].filter((client) => client.edgercSection !== undefined);
    if (local.length > 0)
      throw new ConfigurationError(
        `${shown}: API client ${local.map((c) => c.name).join(', ')} reads an .edgerc section, which a deployed function does not have`,
        { hint: 'give it "secret: <Secrets Manager secret name>" for stage "' + stage + '"' },
      );
    const examples = config.estats.flatMap((s) => s.input.targets.filter(isExampleTarget));
    if (examples.length > 0) {
      throw new ConfigurationError(
        `${shown} still lists example targets (${examples.map(describeTarget).join(', ')}): stage "${stage}" would call Akamai for someone else's property`,
        { hint: `edit ${shown}: list your own CP codes and URLs` },
      );
    }
    const exampleDiscovery = config.estats.find(
      (s) => s.input.discover?.match === EXAMPLE_DISCOVER_MATCH,
    );
    if (exampleDiscovery)
      throw new ConfigurationError(
        `${shown}: schedule ${exampleDiscovery.input.name} still discovers the example CP codes (match: "${EXAMPLE_DISCOVER_MATCH}"): stage "${stage}" would ask Akamai for CP codes it does not have`,
        {
          hint: `edit ${shown}: give discover your own filters (contract, product, name, match), or remove it`,
        },
      );
    checkDeployedLinks(config, shown);
    checkDeployedOncall(config, shown);
    checkDeployedScrapeTargets(config, shown);
  }
  return config;
}

/** The jobs a scrape schedule may not take: this product's own. */
const RESERVED_JOBS: readonly string[] = Object.values(JOB);

/**
 * The stage file's `scrape:` schedules, each input validated as the function validates it.
 * Names and jobs are each the stage's once: a job is what removal and the janitor recognise a
 * schedule's groups by, so two schedules of one job would delete each other's targets.
 */
function scrapeSchedulesOf(
  section: z.infer<typeof stageFileSchema>['scrape'],
  shown: string,
): StageConfig['scrape'] {
  const byName = new Map<string, number>();
  const byJob = new Map<string, number>();
  return section.map((schedule, i) => {
    const where = `${shown}: scrape[${i}]`;
    const input = parseScrapeSchedule(schedule.input, `${where}.input`);
    const job = jobOf(input);
    const sameName = byName.get(input.name);
    if (sameName !== undefined)
      throw new ConfigurationError(`${where}: scrape[${sameName}] is named "${input.name}" too`, {
        hint: 'each schedule needs its own name: it names its health group and its EventBridge rule',
      });
    const sameJob = byJob.get(job);
    if (sameJob !== undefined)
      throw new ConfigurationError(`${where}: scrape[${sameJob}] has job "${job}" too`, {
        hint: 'give each schedule its own "job:": the job is how each one finds, and deletes, the groups of targets it no longer lists',
      });
    if (RESERVED_JOBS.includes(job))
      throw new ConfigurationError(
        `${where}.input.job: "${job}" is one of this product's own jobs`,
        {
          hint: `name it after what it fetches (snmp, blackbox, node); taken: ${RESERVED_JOBS.join(', ')}`,
        },
      );
    byName.set(input.name, i);
    byJob.set(job, i);
    return {
      rate: schedule.rate,
      enabled: schedule.enabled ?? true,
      input: { ...input, intervalSeconds: scheduleIntervalSeconds(schedule.rate, where) },
    };
  });
}

/**
 * A deployed stage fetches real endpoints: not this machine (a Lambda's loopback has no
 * exporter), not an example domain, and never without checking certificates.
 */
function checkDeployedScrapeTargets(config: StageConfig, shown: string): void {
  for (const [i, { input }] of config.scrape.entries())
    for (const [t, target] of input.targets.entries()) {
      const where = `${shown}: scrape[${i}] (${input.name}) targets[${t}]`;
      const host = new URL(target.url).hostname;
      if (isLocalOnly(host) || isExampleHost(host))
        throw new ConfigurationError(
          `${where}: ${target.url} is ${isLocalOnly(host) ? 'this machine' : 'an example domain'}, which a function of stage "${config.stage}" cannot fetch`,
          {
            hint: "list the address of your exporter or device as the function's network reaches it",
          },
        );
      if (target.tls?.insecureSkipVerify)
        throw new ConfigurationError(
          `${where}: tls.insecureSkipVerify would accept any certificate on stage "${config.stage}"`,
          {
            hint: 'store the device\'s CA as {"ca": PEM} in a secret and name it as tls.secret; set tls.serverName when the certificate names another host',
          },
        );
    }
}

/** Links a responder opens from Slack: never this machine's or an example domain. */
function checkDeployedLinks(config: StageConfig, shown: string): void {
  for (const [name, base] of Object.entries(config.links)) {
    if (base === undefined) continue;
    const host = new URL(base).hostname;
    if (isLocalOnly(host) || isExampleHost(host))
      throw new ConfigurationError(
        `${shown}: links.${name} is ${base}, which no responder can open from a Slack message of stage "${config.stage}"`,
        {
          hint: `set links.${name} to the address your team opens ${name} at, or delete it (its links are then left out)`,
        },
      );
  }
}

/** The on-call webhook must be a real one, or turned off: the default is made up. */
function checkDeployedOncall(config: StageConfig, shown: string): void {
  const webhookUrl = config.alerting.routing.oncall?.webhookUrl;
  if (webhookUrl === undefined) return;
  const madeUp = webhookUrl === DEFAULT_ALERTING_CONFIG.routing.oncall?.webhookUrl;
  if (madeUp || isExampleHost(new URL(webhookUrl).hostname))
    throw new ConfigurationError(
      `${shown}: alerting.routing.oncall.webhookUrl is ${webhookUrl}${madeUp ? ', the made-up default' : ', an example domain'}: critical alerts of stage "${config.stage}" would page nobody`,
      {
        hint: 'set alerting.routing.oncall.webhookUrl to your on-call bridge (PagerDuty, Opsgenie, …), or "oncall: false" to send critical alerts to Slack only',
      },
    );
}

/** akamai.clients: each validated with the schema the function itself uses. */
function parseClients(
  section: Record<string, z.infer<typeof stageClientSchema>>,
  shown: string,
): Map<string, AkamaiClient> {
  const clients = new Map<string, AkamaiClient>();
  for (const [name, fields] of Object.entries(section)) {
    const parsed = akamaiClientSchema.safeParse({ name, ...fields });
    if (!parsed.success)
      throw new ConfigurationError(
        `${shown}: akamai.clients.${name}: ${describeIssues(parsed.error)}`,
        { hint: 'see the README, "eStats targets" (API clients)' },
      );
    if (parsed.data.secret !== undefined && parsed.data.edgercSection !== undefined)
      throw new ConfigurationError(
        `${shown}: akamai.clients.${name} names both a secret and an .edgerc section`,
        {
          hint: 'a deployed function reads "secret" (Secrets Manager); "edgercSection" is for local runs: keep one',
        },
      );
    clients.set(name, parsed.data);
  }
  return clients;
}

/** The clients a schedule names, in the order it names them; none: the environment's. */
function clientsOf(
  schedule: { client?: string | undefined; clients?: string[] | undefined },
  clients: ReadonlyMap<string, AkamaiClient>,
  where: string,
): AkamaiClient[] | undefined {
  if (schedule.client !== undefined && schedule.clients !== undefined)
    throw new ConfigurationError(`${where}: give "client" or "clients", not both`);
  const names = schedule.clients ?? (schedule.client !== undefined ? [schedule.client] : undefined);
  if (names === undefined) {
    if (clients.size > 0)
      throw new ConfigurationError(`${where}: name its API client`, {
        hint: `the stage defines akamai.clients (${[...clients.keys()].join(', ')}): write "client: NAME" on every eStats schedule`,
      });
    return undefined;
  }
  return names.map((name) => {
    const client = clients.get(name);
    if (client === undefined)
      throw new ConfigurationError(`${where}: no API client "${name}" under akamai.clients`, {
        hint:
          clients.size > 0
            ? `the stage defines ${[...clients.keys()].join(', ')}`
            : 'define it under akamai.clients (a secret or an .edgerc section)',
      });
    return client;
  });
}

function scheduleIntervalSeconds(expression: string, where: string): number {
  try {
    return shortestIntervalSeconds(expression);
  } catch (error) {
    throw new ConfigurationError(`${where}.rate: ${(error as Error).message}`, {
      hint: 'EventBridge takes rate(N minutes|hours|days) or cron(min hour day-of-month month day-of-week year)',
    });
  }
}

/**
 * Seconds between two runs of each collector job, for its staleness alerts: the longest gap
 * of any of its enabled schedules, so none of them is stale between two of its own runs. A
 * job without an enabled schedule keeps the default.
 */
function collectorIntervals(
  config: Pick<StageConfig, 'estats' | 'synthetic' | 'scrape'>,
): Record<string, number> {
  const longest = (schedules: Array<{ rate: string; enabled: boolean }>) =>
    Math.max(...schedules.filter((s) => s.enabled).map((s) => intervalSeconds(s.rate).longest));
  const intervals: Record<string, number> = {
    [JOB.estats]: longest(config.estats),
    [JOB.synthetic]: longest(config.synthetic),
    [JOB.scrape]: longest(config.scrape),
  };
  return Object.fromEntries(Object.entries(intervals).filter(([, seconds]) => seconds > 0));
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
    [JOB.scrape]: config.scrape.filter((s) => s.enabled).map((s) => s.input.name),
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
  config: Omit<StageConfig, 'janitor' | 'warnings' | 'alerting'>,
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
        [JOB.scrape]: config.scrape.map((s) => s.input.name),
      },
      scrapeJobs: config.scrape.map((s) => jobOf(s.input)),
    },
    `${shown}: janitor`,
  );
  return { rate: section.rate, enabled: section.enabled ?? true, policy };
}

/** The shipped example's run-time discovery (config/local.yml): the simulator's CP codes. */
export const EXAMPLE_DISCOVER_MATCH = '^example-';

/** CP code 424242 and the domains reserved for examples (RFC 2606) are the shipped examples. */
function isExampleTarget(target: EstatsSchedule['targets'][number]): boolean {
  if ('cpCode' in target) return target.cpCode === 424242;
  return isExampleHost(new URL(target.url).hostname);
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

/** EventBridge's limits on a rule (AWS: EventBridge quotas; osls checks neither in time). */
export const EVENTBRIDGE_MAX_INPUT_CHARS = 8_192;
export const EVENTBRIDGE_MAX_RULE_NAME_CHARS = 64;

/** Lambda's bounds on maximumEventAge (seconds). */
const EVENT_AGE_BOUNDS = { min: 60, max: 21_600 };

/**
 * The schedule events of each function, as serverless.yml declares them. Every rule is
 * checked against EventBridge's limits here, naming the schedule of the stage file, instead of
 * failing late in CloudFormation (input size) or as a schema error about
 * `functions.estats.events.N` (rule name).
 */
export function scheduleEvents(
  config: StageConfig,
  ruleName: (fn: string, schedule: string) => string,
): {
  estats: ScheduleEvent[];
  synthetic: ScheduleEvent[];
  scrape: ScheduleEvent[];
  janitor: ScheduleEvent[];
} {
  const named = (fn: string, schedule: string, what: string) => {
    const name = ruleName(fn, schedule);
    if (name.length > EVENTBRIDGE_MAX_RULE_NAME_CHARS) {
      const room = EVENTBRIDGE_MAX_RULE_NAME_CHARS - (name.length - schedule.length);
      throw new ConfigurationError(
        `${config.file}: ${what} "${schedule}" makes the EventBridge rule name ${name} (${name.length} characters; EventBridge allows ${EVENTBRIDGE_MAX_RULE_NAME_CHARS})`,
        {
          hint:
            room > 0
              ? `rename the schedule in ${config.file} to at most ${room} characters`
              : 'shorten the service or stage name: the rule name has no room left for the schedule',
        },
      );
    }
    return name;
  };
  const fitting = (template: string, what: string, schedule: string, targets?: number) => {
    if (template.length > EVENTBRIDGE_MAX_INPUT_CHARS) {
      const fit =
        targets !== undefined
          ? Math.floor((targets * EVENTBRIDGE_MAX_INPUT_CHARS) / template.length)
          : undefined;
      throw new ConfigurationError(
        `${config.file}: ${what} "${schedule}" packages into an EventBridge input of ${template.length} characters; EventBridge allows ${EVENTBRIDGE_MAX_INPUT_CHARS}`,
        {
          hint:
            fit !== undefined
              ? `split its ${targets} targets over two or more schedules in ${config.file} (about ${fit} of these fit one), each with its own name; CP codes take fewer characters than URLs`
              : `make the ${what} smaller in ${config.file}`,
        },
      );
    }
    return template;
  };
  return {
    janitor: [
      {
        schedule: {
          name: named('janitor', 'ttl', 'the janitor schedule'),
          description: `Deletes this product's Pushgateway groups not pushed for longer than their TTL (${config.file})`,
          rate: config.janitor.rate,
          enabled: config.janitor.enabled,
          input: config.janitor.policy,
        },
      },
    ],
    estats: config.estats.map(({ rate, enabled, input }) => ({
      schedule: {
        name: named('estats', input.name, 'eStats schedule'),
        description: `eStats targets of the ${input.name} schedule (${config.file})`,
        rate,
        enabled,
        // The tick time rides along, so a delivery older than the interval is known as late
        // (collectors/lateDelivery.ts).
        inputTransformer: {
          inputPathsMap: { time: '$.time' },
          inputTemplate: fitting(
            `{"time": <time>, "schedule": ${JSON.stringify(withOwnership(input, config))}}`,
            'eStats schedule',
            input.name,
            input.targets.length,
          ),
        },
      },
    })),
    synthetic: config.synthetic.map(({ rate, enabled, fleet }) => {
      const name = fleetName(fleet);
      return {
        schedule: {
          name: named('synthetic', name, 'synthetic fleet'),
          description: `Simulated switch fleet ${name} (${config.file})`,
          rate,
          enabled,
          // The tick time (event.time) makes every value reproducible: a retried or duplicated
          // delivery pushes identical values, and one older than the interval is skipped. The
          // fleet rides along in the same input.
          inputTransformer: {
            inputPathsMap: { time: '$.time' },
            inputTemplate: fitting(
              `{"time": <time>, "intervalSeconds": ${shortestIntervalSeconds(rate)}, "fleet": ${JSON.stringify(fleet)}}`,
              'synthetic fleet',
              name,
            ),
          },
        },
      };
    }),
    scrape: config.scrape.map(({ rate, enabled, input }) => ({
      schedule: {
        name: named('scrape', input.name, 'scrape schedule'),
        description: `Prometheus endpoints of the ${input.name} scrape schedule, job ${jobOf(input)} (${config.file})`,
        rate,
        enabled,
        // The tick time rides along, so a delivery older than the interval is skipped.
        inputTransformer: {
          inputPathsMap: { time: '$.time' },
          inputTemplate: fitting(
            `{"time": <time>, "schedule": ${JSON.stringify(input)}}`,
            'scrape schedule',
            input.name,
            input.targets.length,
          ),
        },
      },
    })),
  };
}

/** The schedule of an eStats event, as the function will read it (tests, tools). */
export function estatsScheduleOf(event: {
  schedule: Pick<ScheduleEvent['schedule'], 'input' | 'inputTransformer'>;
}): EstatsSchedule {
  const template = event.schedule.inputTransformer?.inputTemplate;
  const input: unknown =
    template !== undefined
      ? (JSON.parse(template.replace('<time>', '"1970-01-01T00:00:00Z"')) as { schedule: unknown })
          .schedule
      : event.schedule.input;
  return parseEstatsSchedule(input, 'packaged schedule');
}

/**
 * maximumEventAge of each collector: no longer than its shortest enabled schedule's interval
 * (a run is superseded by the next tick), within Lambda's bounds of 60 s to 6 h.
 */
export function maximumEventAges(config: StageConfig): {
  estats: number;
  synthetic: number;
  scrape: number;
} {
  const shortest = (rates: string[]) =>
    Math.min(
      EVENT_AGE_BOUNDS.max,
      Math.max(EVENT_AGE_BOUNDS.min, Math.min(...rates.map(shortestIntervalSeconds))),
    );
  const enabled = <T extends { enabled: boolean; rate: string }>(list: T[]) =>
    list.filter((s) => s.enabled).map((s) => s.rate);
  return {
    estats: shortest(enabled(config.estats)),
    synthetic: shortest(enabled(config.synthetic)),
    scrape: shortest(enabled(config.scrape)),
  };
}

/** The secrets the scrape function reads: its enabled schedules' targets' auth and TLS. */
export function scrapeTargetSecrets(config: StageConfig): string[] {
  const secrets = config.scrape.filter((s) => s.enabled).flatMap((s) => scheduleSecrets(s.input));
  return [...new Set(secrets)].sort();
}

/**
 * Whether every enabled scrape schedule fits the scrape function's timeout at its worst: each
 * wave of `concurrency` targets taking its longest timeout. Returns the lines packaging prints;
 * a schedule that cannot fit stops it, with the numbers and the ways out.
 */
export function checkedScrapeBudget(
  config: StageConfig,
  timeoutSeconds: number,
  safetyMarginMs = DEFAULT_SAFETY_MARGIN_MS,
): string {
  const room = timeoutSeconds - safetyMarginMs / 1000;
  const lines: string[] = [];
  for (const { input, enabled } of config.scrape) {
    if (!enabled) continue;
    const longest = Math.max(...input.targets.map((t) => t.timeoutSeconds ?? input.timeoutSeconds));
    const waves = Math.ceil(input.targets.length / input.concurrency);
    const worst = waves * longest;
    const count = input.targets.length;
    const line = `scrape schedule ${input.name}: ${count} target${count === 1 ? '' : 's'}, ${input.concurrency} at once, at most ${longest} s each: ${worst} s at worst, of ${room} s (the scrape function's ${timeoutSeconds} s less the ${safetyMarginMs / 1000} s margin)`;
    if (worst > room)
      throw new ConfigurationError(`${config.file}: ${line}`, {
        hint: `raise its concurrency to ${Math.ceil(input.targets.length / Math.max(1, Math.floor(room / longest)))} or more, lower timeoutSeconds, split it over two schedules, or raise the scrapeTimeout param (at most 900)`,
      });
    lines.push(line);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** The secrets the eStats function reads: those its enabled schedules' clients name. */
export function estatsClientSecrets(config: StageConfig): string[] {
  const secrets = config.estats
    .filter((s) => s.enabled)
    .flatMap((s) => s.input.clients ?? [])
    .flatMap((client) => (client.secret !== undefined ? [client.secret] : []));
  return [...new Set(secrets)].sort();
}

/** Whether any enabled eStats schedule reads the function's own AKAMAI_SECRET_ID. */
export function usesDefaultClient(config: StageConfig): boolean {
  return config.estats.some((s) => s.enabled && s.input.clients === undefined);
}

/** With the amp export format: the workspace and namespace the alerting export writes to. */
export function ampExportTarget(
  config: StageConfig,
): { workspaceId: string; region: string; namespace: string } | undefined {
  const { formats, amp, namespace } = config.alerting.export;
  return formats.includes('amp') && amp
    ? { workspaceId: amp.workspaceId, region: amp.region, namespace }
    : undefined;
}

/**
 * The stage's Akamai budget per API client (deploy/estatsBudget.ts): the packaging table, or
 * a ConfigurationError naming each schedule that cannot fit and the ways out.
 */
export function checkedEstatsBudget(
  config: StageConfig,
  timeoutSeconds: number,
  /** The functions' DEADLINE_SAFETY_MARGIN_MS (the deadlineSafetyMarginMs param). */
  safetyMarginMs = DEFAULT_SAFETY_MARGIN_MS,
): string {
  const limits = {
    timeoutSeconds,
    safetyMarginSeconds: safetyMarginMs / 1000,
    answerSeconds: config.answerSeconds,
  };
  const budget = estatsBudget(
    config.estats
      .filter((s) => s.enabled)
      .map(({ input }) => ({
        name: input.name,
        intervalSeconds: input.intervalSeconds ?? 60,
        targets: budgetTargetsOf(input),
        clients: input.clients ?? [DEFAULT_CLIENT],
      })),
    limits,
  );
  const table = formatEstatsBudget(budget, limits);
  try {
    checkEstatsBudget(budget, limits, config.file);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // The refusal carries the table: packaging prints it only for a stage that fits.
    throw new ConfigurationError(`${error.message}\n${table}`, { hint: error.hint });
  }
  return table;
}

/**
 * The targets a schedule's budget counts: those it lists, and for one that discovers, as many
 * more as its maxTargets lets it find (placeholders: only their number matters).
 */
function budgetTargetsOf(input: EstatsSchedule): EstatsTarget[] {
  const found = input.discover?.maxTargets ?? 0;
  return [
    ...input.targets,
    ...Array.from({ length: found }, (_, i) => ({ cpCode: MAX_CP_CODE - i })),
  ];
}
