import { DEFAULT_SECRET_CACHE_TTL_SECONDS } from '../../constants';
import { firingsPerMonth, HOURS_PER_MONTH } from '../scheduleExpressions';
import type { StageConfig } from '../stage/config';
import { STAGE_COLLECTORS } from '../stage/collectors';
import { RUN_FIGURES } from './runFigures';

/** What one function uses in a billing month. */
export interface FunctionUsage {
  /** The function: a collector's kind, `janitor` or `exportAlerting`. */
  fn: string;
  runs: number;
  /** Billed wall time of all runs: a budget's waits count as run time. */
  seconds: number;
  memoryMb: number;
  secretCalls: number;
  logBytes: number;
  /** Samples its runs deliver (they cost only where remote write goes to AMP). */
  samples: number;
  s3Gets: number;
  /** How its figures were reached, for its line. */
  basis: string[];
  /** What its sample count assumes, when it is not measured. */
  samplesAssume?: string;
}

/** The exportAlerting function's memory (serverless.yml). */
const EXPORT_MEMORY_MB = 256;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3_600;

/**
 * The month of a stage's functions: each collector's enabled schedules (its row's runUsage:
 * run time, secrets, what a run logs and pushes) times their firings, the secret reads a warm
 * container's cache leaves, Lambda's own log lines, and the janitor and the alerting export.
 */
export function stageUsage(config: StageConfig): FunctionUsage[] {
  const { settings } = config;
  const memoryMb = Number(settings.memorySize);
  const ttl = Number(settings.secretCacheTtlSeconds || DEFAULT_SECRET_CACHE_TTL_SECONDS);
  const sinkSecrets = [
    settings.pushgatewayAuthSecretName,
    settings.remoteWriteAuthSecretName,
  ].filter((name) => name !== undefined && name !== '').length;
  /** A warm container reads each secret once per TTL, and at most once a run. */
  const secretReads = (runs: number, secrets: number) =>
    secrets * Math.min(runs, Math.ceil(SECONDS_PER_MONTH / ttl));
  const platform = RUN_FIGURES.platformLogBytesPerRun;

  const collectors = STAGE_COLLECTORS.map((collector) => {
    const usage = empty(collector.kind, memoryMb);
    collector.schedulesOf(config).forEach((schedule, index) => {
      if (!schedule.enabled) return;
      const run = collector.runUsage(config, index);
      const runs = firingsPerMonth(schedule.rate);
      add(usage, {
        runs,
        seconds: runs * run.seconds,
        secretCalls: secretReads(runs, run.secrets + sinkSecrets),
        logBytes: runs * (platform + run.logBytes),
        samples: runs * (run.samples + RUN_FIGURES.healthGroupSamples),
      });
      usage.basis.push(
        `${schedule.name}: ${count(runs)} runs × ${round(run.seconds)} s (${run.basis})`,
      );
      if (run.samplesAssume) usage.samplesAssume = run.samplesAssume;
    });
    return usage;
  });

  const janitor = empty('janitor', memoryMb);
  if (config.janitor.enabled) {
    const runs = firingsPerMonth(config.janitor.rate);
    add(janitor, {
      runs,
      seconds: runs * RUN_FIGURES.janitor.secondsPerRun,
      secretCalls: secretReads(runs, settings.pushgatewayAuthSecretName ? 1 : 0),
      logBytes: runs * (platform + RUN_FIGURES.janitor.logBytesPerRun),
    });
    janitor.basis.push(`${count(runs)} runs × ${RUN_FIGURES.janitor.secondsPerRun} s (assumed)`);
  }

  const exportAlerting = empty('exportAlerting', EXPORT_MEMORY_MB);
  const exportRuns = firingsPerMonth('rate(1 day)');
  const figures = RUN_FIGURES.exportAlerting;
  add(exportAlerting, {
    runs: exportRuns,
    seconds: exportRuns * figures.secondsPerRun,
    logBytes: exportRuns * (platform + figures.logBytesPerRun),
    s3Gets: exportRuns * figures.s3HeadsPerRun,
  });
  exportAlerting.basis.push(`${exportRuns} daily runs × ${figures.secondsPerRun} s (assumed)`);

  return [...collectors, janitor, exportAlerting].filter((u) => u.runs > 0);
}

function empty(fn: string, memoryMb: number): FunctionUsage {
  return {
    fn,
    runs: 0,
    seconds: 0,
    memoryMb,
    secretCalls: 0,
    logBytes: 0,
    samples: 0,
    s3Gets: 0,
    basis: [],
  };
}

type Counted = 'runs' | 'seconds' | 'secretCalls' | 'logBytes' | 'samples' | 's3Gets';

function add(usage: FunctionUsage, part: Partial<Pick<FunctionUsage, Counted>>): void {
  for (const key of ['runs', 'seconds', 'secretCalls', 'logBytes', 'samples', 's3Gets'] as const)
    usage[key] += part[key] ?? 0;
}

const round = (value: number) => Math.round(value * 10) / 10;
const count = (value: number) => Math.round(value).toLocaleString('en-US');
