import * as z from 'zod/mini';
import '../../../shared/zod';
import { SCRAPE_ALERTING } from '../../../alerting/rules/scrape';
import type { AlertingConfig } from '../../../alerting/config';
import type { FileProblems } from '../../../config/fileProblems';
import { JOB } from '../../../metrics/catalogue';
import { isExampleHost, isLocalOnly } from '../../guards';
import { scrapeSecretChecks } from '../../doctor/scrape';
import {
  jobOf,
  parseScrapeSchedule,
  scheduleSecrets,
  scrapeScheduleSchema,
} from '../../../scrape/schedule';
import { DEFAULT_SAFETY_MARGIN_MS } from '../../../constants';
import { ConfigurationError } from '../../../shared/errors';
import { at, enabled, enabledInputs, intervalOf, NAME_HINT, rate } from './common';
import type {
  BudgetContext,
  Indexed,
  ReadContext,
  RunUsage,
  StageCollectorDefinition,
  StageSchedulesByKind,
  UsageContext,
} from './types';
import { plural } from '../../../shared/plural';

/** Prometheus endpoints fetched and pushed (src/scrape/schedule.ts checks each input). */
const entry = z.strictObject({ rate, enabled, input: z.unknown() });
type ScrapeEntry = z.infer<typeof entry>;

/** The jobs a scrape schedule may not take: this product's own. */
const RESERVED_JOBS: readonly string[] = Object.values(JOB);

/**
 * The stage file's `scrape:` schedules, each input validated as the function validates it.
 * Names and jobs are each the stage's once: a job is what removal and the janitor recognise a
 * schedule's groups by, so two schedules of one job would delete each other's targets.
 */
function readScrape(
  entries: ReadonlyArray<Indexed<ScrapeEntry>>,
  { problems }: ReadContext,
): Array<Indexed<StageSchedulesByKind['scrape'][number]>> {
  const byName = new Map<string, number>();
  const byJob = new Map<string, number>();
  return entries.flatMap(({ index, entry }) => {
    const at = ['scrape', index];
    const input = problems.attempt([...at, 'input'], () =>
      parseScrapeSchedule(entry.input, `scrape[${index}].input`),
    );
    const intervalSeconds = intervalOf(entry.rate, [...at, 'rate'], problems);
    if (input === undefined || intervalSeconds === undefined) return [];
    const job = jobOf(input);
    const before = problems.count;
    const sameName = byName.get(input.name);
    if (sameName !== undefined)
      problems.add(
        [...at, 'input', 'name'],
        `scrape[${sameName}] is named "${input.name}" too`,
        NAME_HINT,
      );
    const sameJob = byJob.get(job);
    if (sameJob !== undefined)
      problems.add(
        [...at, 'input', 'job'],
        `scrape[${sameJob}] has job "${job}" too`,
        'give each schedule its own "job:": the job is how each one finds, and deletes, the groups of targets it no longer lists',
      );
    if (RESERVED_JOBS.includes(job))
      problems.add(
        [...at, 'input', 'job'],
        `"${job}" is one of this product's own jobs`,
        `name it after what it fetches (snmp, blackbox, node); taken: ${RESERVED_JOBS.join(', ')}`,
      );
    if (problems.count > before) return [];
    byName.set(input.name, index);
    byJob.set(job, index);
    const schedule = {
      rate: entry.rate,
      enabled: entry.enabled ?? true,
      input: { ...input, intervalSeconds },
    };
    return [{ index, entry: schedule }];
  });
}

/** What a scrape run logs, measured, and what it cannot know before it runs, assumed. */
export const SCRAPE_RUN_FIGURES = {
  logBytesPerRun: 420,
  /** Assumed: about what a node exporter exposes; the real count is its targets'. */
  samplesPerTarget: 1_000,
  /** Assumed: one wave of `concurrency` targets answering in about a second. */
  secondsPerWave: 1,
} as const;

function scrapeRunUsage(context: UsageContext, index: number): RunUsage {
  const { input } = at(context.scrape, index);
  const waves = Math.ceil(input.targets.length / input.concurrency);
  const figures = SCRAPE_RUN_FIGURES;
  const targets = input.targets.length;
  return {
    seconds: waves * figures.secondsPerWave,
    secrets: new Set(scheduleSecrets(input)).size,
    logBytes: figures.logBytesPerRun,
    samples: figures.samplesPerTarget * targets,
    basis: `${plural(waves, 'wave')} of ${figures.secondsPerWave} s assumed, ${plural(targets, 'target')}`,
    samplesAssume: `${figures.samplesPerTarget.toLocaleString('en-US')} a target assumed: the real count is what its targets expose`,
  };
}

/**
 * A deployed stage fetches real endpoints: not this machine (a Lambda's loopback has no
 * exporter), not an example domain, and never without checking certificates.
 */
function checkDeployedScrapeTargets(
  scrape: ReadonlyArray<Indexed<StageSchedulesByKind['scrape'][number]>>,
  stage: string,
  problems: FileProblems,
): void {
  for (const { index, entry } of scrape)
    for (const [t, target] of entry.input.targets.entries()) {
      const at = ['scrape', index, 'input', 'targets', t];
      const host = new URL(target.url).hostname;
      if (isLocalOnly(host) || isExampleHost(host))
        problems.add(
          [...at, 'url'],
          `${target.url} (schedule ${entry.input.name}) is ${isLocalOnly(host) ? 'this machine' : 'an example domain'}, which a function of stage "${stage}" cannot fetch`,
          "list the address of your exporter or device as the function's network reaches it",
        );
      if (target.tls?.insecureSkipVerify)
        problems.add(
          [...at, 'tls', 'insecureSkipVerify'],
          `would accept any certificate of ${target.url} (schedule ${entry.input.name}) on stage "${stage}"`,
          'store the device\'s CA as {"ca": PEM} in a secret and name it as tls.secret; set tls.serverName when the certificate names another host',
        );
    }
}

/**
 * Whether every enabled scrape schedule fits the scrape function's timeout at its worst: each
 * wave of `concurrency` targets taking its longest timeout. Returns the lines packaging prints;
 * a schedule that cannot fit stops it, with the numbers and the ways out.
 */
export function checkedScrapeBudget(
  config: Pick<BudgetContext, 'scrape' | 'file'>,
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
    const line = `scrape schedule ${input.name}: ${plural(count, 'target')}, ${input.concurrency} at once, at most ${longest} s each: ${worst} s at worst, of ${room} s (the scrape function's ${timeoutSeconds} s less the ${safetyMarginMs / 1000} s margin)`;
    if (worst > room)
      throw new ConfigurationError(`${config.file}: ${line}`, {
        hint: `raise its concurrency to ${Math.ceil(input.targets.length / Math.max(1, Math.floor(room / longest)))} or more, lower timeoutSeconds, split it over two schedules, or raise functions.scrapeTimeout in the stage file (at most 900)`,
      });
    lines.push(line);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** The Pushgateways' own scrape job is not a scrape schedule's: its `up` is what PushgatewayDown reads. */
function checkPushgatewayJob(
  scrape: ReadonlyArray<Indexed<StageSchedulesByKind['scrape'][number]>>,
  alerting: AlertingConfig,
  problems: FileProblems,
): void {
  const pushgatewayJob = alerting.collectors.pushgatewayScrapeJob;
  for (const { index, entry } of scrape)
    if (jobOf(entry.input) === pushgatewayJob)
      problems.add(
        ['scrape', index, 'input', 'job'],
        `scrape schedule ${entry.input.name} has job "${pushgatewayJob}", the job Prometheus scrapes the Pushgateways as`,
        "its up series would read as a Pushgateway's (PushgatewayDown): name the job after what it fetches",
      );
}

/** Prometheus endpoints fetched and pushed: one group per target, `{job, instance}`. */
export const SCRAPE_COLLECTOR: StageCollectorDefinition<
  'scrape',
  ScrapeEntry,
  typeof SCRAPE_ALERTING
> = {
  kind: 'scrape',
  job: JOB.scrape,
  alerting: SCRAPE_ALERTING,
  what: 'scrape schedule',
  entry,
  editableEntry: z.strictObject({
    ...entry.def.shape,
    input: z.omit(scrapeScheduleSchema, { intervalSeconds: true }),
  }),
  describes: 'Prometheus endpoints fetched and pushed, each schedule an EventBridge rule',
  read: readScrape,
  schedulesOf: (config) => config.scrape.map((s) => ({ ...s, name: s.input.name })),
  eventOf(config, index) {
    const { input } = at(config.scrape, index);
    return {
      description: `Prometheus endpoints of the ${input.name} scrape schedule, job ${jobOf(input)} (${config.file})`,
      inputTemplate: `{"time": <time>, "schedule": ${JSON.stringify(input)}}`,
      targets: input.targets.length,
    };
  },
  checkDeployed: checkDeployedScrapeTargets,
  packagingBudget: (config, margin) =>
    checkedScrapeBudget(config, Number(config.settings.scrapeTimeout), margin),
  checkWithAlerting: checkPushgatewayJob,
  targetJobsOf: (config) => config.scrape.map((s) => jobOf(s.input)),
  runUsage: scrapeRunUsage,
  // Its targets' auth and TLS secrets.
  secretsRead: (config) =>
    [...new Set(enabledInputs(config.scrape).flatMap(scheduleSecrets))].sort(),
  // Its targets are reached from the function's network, often not the deployer's: not asked.
  preflight: (config, env) => ({
    secrets: scrapeSecretChecks(enabledInputs(config.scrape), env),
    services: [],
  }),
};
