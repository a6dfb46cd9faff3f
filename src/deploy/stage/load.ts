import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import { type AkamaiClient, akamaiClientSchema } from '../../akamai/clients';
import { parseEstatsSchedule, targetWarnings } from '../../akamai/targets';
import { alertingConfigOf } from '../../alerting/settings';
import { parseSlos } from '../../alerting/slo';
import { OWNED_JOBS, parseJanitorPolicy } from '../../janitor/policy';
import { JOB } from '../../metrics/catalogue';
import { jobOf, parseScrapeSchedule } from '../../scrape/schedule';
import { ConfigurationError } from '../../shared/errors';
import { describeIssues } from '../../shared/validation';
import { parseFleet } from '../../synthetic/fleetConfig';
import { intervalSeconds, shortestIntervalSeconds } from '../scheduleExpressions';
import { EXAMPLE_STAGE, fleetName, type StageConfig } from './config';
import {
  checkDeployedLinks,
  checkDeployedOncall,
  checkDeployedClients,
  checkDeployedScrapeTargets,
  checkExampleTargets,
} from './deployedStage';
import { type StageClient, type StageFile, stageFileSchema } from './schema';

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
    checkDeployedClients(clients, shown, stage);
    checkExampleTargets(config, shown);
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
function scrapeSchedulesOf(section: StageFile['scrape'], shown: string): StageConfig['scrape'] {
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

/** akamai.clients: each validated with the schema the function itself uses. */
function parseClients(
  section: Record<string, StageClient>,
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

/** A day: long after a stale group's alert fired and was seen. */
const DEFAULT_TTL = '24h';

/**
 * The janitor of this stage: on by default, hourly, a TTL of a day for every job of this
 * product; it keeps the run-health groups of the schedules deployed here.
 */
function janitorOf(
  section: StageFile['janitor'],
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
