import {
  COLLECTOR,
  JOB,
  LABEL,
  RESERVED_METRIC_PREFIXES,
  SCRAPE_REPORT,
} from '../metrics/catalogue';
import { scrapeGroupingKey } from '../metrics/groups';
import { formatOf, parseExpositionBounded } from '../scrape/exposition';
import { type ExposedFamily, ExpositionError } from '../scrape/expositionModel';
import { fetchTarget, ScrapeFailure, type SecretSettingsOf } from '../scrape/fetch';
import { jobOf, type ResolvedTarget, resolveTarget, type ScrapeSchedule } from '../scrape/schedule';
import { ScrapedGroup } from '../scrape/scrapedGroup';
import { countsTowardLimit, type ScrapeRules, storeScrape } from '../scrape/semantics';
import { maxBodyBytes, parseBytes, scrapeMemoryBudget } from '../scrape/memory';
import type { MemoryBudget, MemoryShare } from '../shared/memoryBudget';
import type { Deadline } from '../shared/deadline';
import { DeadlineExceededError, describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { type FailedGroup, runCollector } from './pipeline';
import type { RunSinks } from './runner';
import type { RunDelivery } from './runner';

/** What one run did, as its summary log line reports it. */
export interface ScrapeRunSummary extends RunDelivery {
  schedule: string;
  /** The job of its targets' groups. */
  job: string;
  targets: number;
  /** Targets scraped and delivered. */
  up: number;
  /** Targets delivered as `up 0` (no answer, an error status, a malformed body, over the limit). */
  down: Array<{ instance: string; reason: string }>;
  /** Targets not delivered, or not fetched for a reason of ours (a secret, the deadline). */
  failed: Array<{ instance: string; message: string }>;
  seriesPushed: number;
  durationSeconds: number;
  removedTargets: string[];
  removalDeferredOn?: string[];
  removalError?: string;
}

export interface ScrapeCollectorDeps {
  sinks: RunSinks;
  logger: Logger;
  /** How the targets' auth and TLS secrets are read. */
  secrets: SecretSettingsOf;
  /** The stage that deployed the schedule: the owner of its groups (collectors/ownership.ts). */
  stage?: string;
  /**
   * What the targets fetched at once share of the function's memory (scrape/memory.ts);
   * default: that of a function of 1 GB.
   */
  memory?: MemoryBudget;
}

/**
 * A target's fetch is not started with less time left than this: it would be cut short and
 * read as the target's failure when it is the run's.
 */
const MIN_FETCH_MS = 250;

/** A target's share of memory past which its release is followed by a full collection. */
const LARGE_SHARE_BYTES = 16 * 1024 * 1024;

/**
 * One scrape run through the collector pipeline (collectors/pipeline.ts): fetch each target
 * (`concurrency` at once, each within its timeout and the run's deadline), store its body as
 * a Prometheus scrape would (scrape/semantics.ts) and PUT it as the group `{job, instance}`.
 *
 * A target that does not answer, answers an error, a malformed body or more samples than the
 * limit is what Prometheus calls down: its group is replaced by `up 0` and the scrape_* series
 * alone, so none of its old values linger and nothing of a bad body is pushed. That is the
 * target's state, not the run's failure (the alerts read `up`). The run fails when a group
 * could not be delivered, a secret could not be read, or the deadline came first.
 */
export async function collectScrape(
  schedule: ScrapeSchedule,
  deps: ScrapeCollectorDeps,
  deadline: Deadline,
): Promise<ScrapeRunSummary> {
  const { sinks, logger, secrets } = deps;
  const memory = deps.memory ?? scrapeMemoryBudget(undefined);
  // Each target's share of the memory, held from its fetch until its group is delivered.
  const shares = new Map<ResolvedTarget, MemoryShare>();
  const releaseShare = (target: ResolvedTarget) => {
    const held = shares.get(target)?.held() ?? 0;
    shares.get(target)?.release();
    shares.delete(target);
    // Lambda's Node.js runtime starts with --expose-gc: after a large target, collect its
    // garbage before the next fills the heap (bench `scrapememory`: without it, 8 targets at
    // 10× the limit peaked at up to 259 MiB in a 256 MB function). Elsewhere gc is absent.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (held > LARGE_SHARE_BYTES && gc) gc();
  };
  const bodyLimit = maxBodyBytes(schedule.sampleLimit);
  const tooLargeHint =
    schedule.sampleLimit > 0
      ? `the body limit: 512 bytes for each sample of sampleLimit ${schedule.sampleLimit}, at most 16 MiB; raise sampleLimit if the endpoint's lists keep fewer samples than it serves`
      : 'the body limit of 16 MiB: narrow what the endpoint serves (snmp_exporter modules, node_exporter collectors)';
  const job = jobOf(schedule);
  const targets = schedule.targets.map((target) => resolveTarget(schedule, target));
  const rules: ScrapeRules = {
    honorLabels: schedule.honorLabels,
    sampleLimit: schedule.sampleLimit,
    ...(schedule.metrics?.allow ? { allow: schedule.metrics.allow } : {}),
    ...(schedule.metrics?.deny ? { deny: schedule.metrics.deny } : {}),
    reservedPrefixes: RESERVED_METRIC_PREFIXES,
    reservedJobs: Object.values(JOB),
  };
  const down = new Map<string, string>();
  const instances = new Set(targets.map((t) => t.instance));
  const failureOf = (result: FailedGroup<ResolvedTarget>) => ({
    instance: result.item.instance,
    message: describeError(result.error),
  });

  const storedOf = (target: ResolvedTarget) => ({
    job,
    url: target.target.url,
    instance: target.instance,
    labels: target.labels,
  });
  const rulesOf = (target: ResolvedTarget) => ({
    ...rules,
    timeoutSeconds: target.timeoutMs / 1000,
  });

  const scrape = async (target: ResolvedTarget): Promise<ScrapedGroup> => {
    if (deadline.remainingMs() < MIN_FETCH_MS)
      throw new DeadlineExceededError(
        `no time left to fetch ${target.instance} (${deadline.remainingMs()} ms)`,
        {
          hint: 'the schedule takes longer than the function may run: raise its concurrency, lower timeoutSeconds, or split it (packaging shows the worst case)',
        },
      );
    const scrapedAt = Date.now();
    const started = performance.now();
    let families: ExposedFamily[] | undefined;
    let failure: string | undefined;
    let bodyBytes = 0;
    let samplesRead = 0;
    let overLimit: { samplesRead: number; samplesCounted: number } | undefined;
    const share = memory.hold();
    shares.set(target, share);
    try {
      const answer = await fetchTarget(target, secrets, deadline, {
        maxBytes: bodyLimit,
        tooLargeHint,
        reserve: share.grow,
      });
      bodyBytes = answer.bodyBytes;
      if (!answer.validUtf8) throw new ScrapeFailure('the body is not valid UTF-8');
      await share.grow(parseBytes(answer.body, schedule.sampleLimit));
      const parsed = parseExpositionBounded(answer.body, formatOf(answer.contentType), {
        sampleLimit: schedule.sampleLimit,
        counts: countsTowardLimit(rules),
      });
      families = parsed.families;
      if (parsed.overLimit) overLimit = parsed;
    } catch (error) {
      if (!(error instanceof ScrapeFailure || error instanceof ExpositionError)) throw error;
      failure = describeError(error);
      if (error instanceof ExpositionError) samplesRead = error.samplesRead;
    }
    const outcome = storeScrape(storedOf(target), rulesOf(target), {
      ...(families ? { families } : {}),
      durationSeconds: (performance.now() - started) / 1000,
      bodyBytes,
      samplesRead,
      ...(overLimit ? { overLimit } : {}),
      ...(failure ? { failure } : {}),
    });
    if (outcome.reserved.length > 0)
      logger.warn(
        "scrape target serves metric names this product pushes itself: dropped, so they cannot block this product's own pushes",
        {
          schedule: schedule.name,
          job,
          instance: target.instance,
          dropped: outcome.reserved,
          reserved: RESERVED_METRIC_PREFIXES.map((prefix) => `${prefix}*`),
        },
      );
    if (outcome.failure) {
      down.set(target.instance, outcome.failure);
      logger.warn('scrape target down: its group holds up 0 and nothing of its body', {
        schedule: schedule.name,
        job,
        instance: target.instance,
        reason: outcome.failure,
      });
    }
    return new ScrapedGroup(
      [...outcome.samples, ...outcome.report],
      outcome.failure ? [] : ownFamilies(families ?? []),
      scrapedAt,
    );
  };

  const run = await runCollector(
    {
      job: JOB.scrape,
      schedule: schedule.name,
      stage: deps.stage,
      items: targets,
      keyOf: (target) => scrapeGroupingKey(job, target.instance),
      concurrency: schedule.concurrency,
      produce: scrape,
      // Not fetched for a reason of ours (a secret, the deadline): up 0 too, so its last
      // values do not pass for current while the run's error says what to fix.
      failureSeries: (error, target) =>
        new ScrapedGroup(
          storeScrape(storedOf(target), rulesOf(target), {
            durationSeconds: 0,
            failure: describeError(error),
          }).report,
          [],
          Date.now(),
        ),
      failureOf,
      log: (result) => {
        // Delivered or failed: the target's memory is free for the next fetch.
        releaseShare(result.item);
        // Refused by a sink (the Pushgateway: a type another group gives a name): up 0 instead.
        if (result.ok && result.refused !== undefined)
          down.set(result.item.instance, describeError(result.refused));
        if (result.ok) return;
        logger.error('scrape target not delivered', {
          schedule: schedule.name,
          ...failureOf(result),
        });
      },
      removal: {
        what: 'scrape targets',
        logField: 'instances',
        current: targets.map((t) => scrapeGroupingKey(job, t.instance)),
        // The groups of this job, {job, instance} exactly, whose instance is no longer listed.
        isRemoved: ({ labels }) => {
          const { job: groupJob, instance, ...others } = labels;
          return (
            groupJob === job &&
            instance !== undefined &&
            Object.keys(others).length === 0 &&
            !instances.has(instance)
          );
        },
        concurrency: schedule.concurrency,
        describe: (key) => key.labels?.instance ?? '',
      },
      logContext: { schedule: schedule.name, job },
      addHealthMetrics: (metrics) => {
        if (schedule.intervalSeconds)
          metrics.family(COLLECTOR.scheduleInterval).set(schedule.intervalSeconds);
        metrics.family(COLLECTOR.targets).set({ [LABEL.state]: 'down' }, down.size);
      },
    },
    sinks,
    deadline,
    logger,
  );
  // A target that never reached its result (a bug) gives its share back too.
  for (const target of [...shares.keys()]) releaseShare(target);
  const { ok, failed, removed, ...outcome } = run;
  return {
    schedule: schedule.name,
    job,
    targets: targets.length,
    // Down targets whose up 0 was delivered are of `ok`; those whose group failed are not.
    up: ok - (down.size - failed.filter((f) => down.has(f.instance)).length),
    down: [...down].map(([instance, reason]) => ({ instance, reason })),
    failed,
    removedTargets: removed,
    ...outcome,
  };
}

/**
 * The body's families whose types and help the group carries: not those of the report series
 * (a body's `# TYPE up counter` would type our `up`), nor those of this product's names, which
 * the scrape dropped.
 */
function ownFamilies(families: readonly ExposedFamily[]): ExposedFamily[] {
  const report: readonly string[] = Object.values(SCRAPE_REPORT);
  return families.filter(
    (f) => !report.includes(f.name) && !RESERVED_METRIC_PREFIXES.some((p) => f.name.startsWith(p)),
  );
}
