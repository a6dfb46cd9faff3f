import { DEFAULT_SAFETY_MARGIN_MS, DEFAULT_SECRET_CACHE_TTL_SECONDS } from '../../constants';
import { parseFleet } from '../../synthetic/fleetConfig';
import { firingsPerMonth, HOURS_PER_MONTH } from '../scheduleExpressions';
import type { StageConfig } from '../stage/config';
import { stageEstatsBudget } from '../stage/budgets';
import { RUN_FIGURES } from './runFigures';

/** The functions a stage deploys, as the estimate names them. */
export type CostedFunction = 'estats' | 'synthetic' | 'scrape' | 'janitor' | 'exportAlerting';

/** What one function uses in a billing month. */
export interface FunctionUsage {
  fn: CostedFunction;
  runs: number;
  /** Billed wall time of all runs: the rate budget's waits count as run time. */
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
 * The month of a stage's functions: its enabled schedules' runs, each run's billed time (for
 * eStats, the budget-paced worst run of packaging's table), the secret reads its cache leaves,
 * and what its runs log and push (runFigures.ts).
 */
export function stageUsage(config: StageConfig): FunctionUsage[] {
  const settings = config.settings;
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

  const estats = empty('estats', memoryMb);
  const budget = stageEstatsBudget(config, {
    timeoutSeconds: Number(settings.estatsTimeout),
    safetyMarginSeconds: Number(settings.deadlineSafetyMarginMs || DEFAULT_SAFETY_MARGIN_MS) / 1000,
    answerSeconds: config.answerSeconds,
  });
  const rows = budget.flatMap((client) => client.rows);
  for (const { rate, enabled, input } of config.estats) {
    if (!enabled) continue;
    const own = rows.filter((row) => row.schedule === input.name);
    const targets = own.reduce((sum, row) => sum + row.targets, 0);
    const runSeconds = Math.max(0, ...own.map((row) => row.worstRunSeconds));
    const runs = firingsPerMonth(rate);
    const clientSecrets = (input.clients ?? []).filter((c) => c.secret !== undefined).length;
    add(estats, {
      runs,
      seconds: runs * runSeconds,
      secretCalls: secretReads(runs, (input.clients ? clientSecrets : 1) + sinkSecrets),
      logBytes:
        runs *
        (platform +
          RUN_FIGURES.estats.logBytesPerRun +
          RUN_FIGURES.estats.logBytesPerClient * own.length),
      samples:
        runs * (RUN_FIGURES.estats.samplesPerRun + RUN_FIGURES.estats.samplesPerTarget * targets),
    });
    estats.basis.push(
      `${input.name}: ${count(runs)} runs × ${round(runSeconds)} s (its budget-paced worst run, ${plural(targets, 'target')})`,
    );
  }

  const synthetic = empty('synthetic', memoryMb);
  for (const { rate, enabled, fleet } of config.synthetic) {
    if (!enabled) continue;
    const ports = parseFleet(fleet).devices.reduce((sum, d) => sum + d.ports.length, 0);
    const runs = firingsPerMonth(rate);
    const figures = RUN_FIGURES.synthetic;
    add(synthetic, {
      runs,
      seconds: runs * figures.secondsPerRun,
      secretCalls: secretReads(runs, sinkSecrets),
      logBytes: runs * (platform + figures.logBytesPerRun),
      samples: runs * (figures.samplesPerRun + figures.samplesPerPort * ports),
    });
    synthetic.basis.push(
      `${count(runs)} runs × ${figures.secondsPerRun} s (assumed), ${plural(ports, 'port')}`,
    );
  }

  const scrape = {
    ...empty('scrape', memoryMb),
    samplesAssume: `${count(RUN_FIGURES.scrape.samplesPerTarget)} a target, assumed: the real count is what its targets expose`,
  };
  for (const { rate, enabled, input } of config.scrape) {
    if (!enabled) continue;
    const runs = firingsPerMonth(rate);
    const waves = Math.ceil(input.targets.length / input.concurrency);
    const figures = RUN_FIGURES.scrape;
    const targetSecrets = new Set(
      input.targets.flatMap((t) => [t.auth?.secret, t.tls?.secret].filter((s) => s !== undefined)),
    ).size;
    add(scrape, {
      runs,
      seconds: runs * waves * figures.secondsPerWave,
      secretCalls: secretReads(runs, targetSecrets + sinkSecrets),
      logBytes: runs * (platform + figures.logBytesPerRun),
      samples: runs * (figures.samplesPerRun + figures.samplesPerTarget * input.targets.length),
    });
    scrape.basis.push(
      `${input.name}: ${count(runs)} runs × ${plural(waves, 'wave')} × ${figures.secondsPerWave} s (assumed), ${plural(input.targets.length, 'target')}`,
    );
  }

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

  return [estats, synthetic, scrape, janitor, exportAlerting].filter((u) => u.runs > 0);
}

function empty(fn: CostedFunction, memoryMb: number): FunctionUsage {
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

function add(
  usage: FunctionUsage,
  part: Partial<
    Pick<FunctionUsage, 'runs' | 'seconds' | 'secretCalls' | 'logBytes' | 'samples' | 's3Gets'>
  >,
): void {
  usage.runs += part.runs ?? 0;
  usage.seconds += part.seconds ?? 0;
  usage.secretCalls += part.secretCalls ?? 0;
  usage.logBytes += part.logBytes ?? 0;
  usage.samples += part.samples ?? 0;
  usage.s3Gets += part.s3Gets ?? 0;
}

const round = (value: number) => Math.round(value * 10) / 10;
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const plural = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
