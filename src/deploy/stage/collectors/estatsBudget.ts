import { DEFAULT_CLIENT } from '../../../akamai/clients';
import { type EstatsSchedule, type EstatsTarget, MAX_CP_CODE } from '../../../akamai/targets';
import { DEFAULT_SAFETY_MARGIN_MS } from '../../../constants';
import { ConfigurationError } from '../../../shared/errors';
import {
  type BudgetLimits,
  type ClientBudget,
  checkEstatsBudget,
  estatsBudget,
  firstWaves,
  formatEstatsBudget,
} from '../../estatsBudget';
import { plural } from '../../../shared/plural';
import { at } from './common';
import type { BudgetContext, RunUsage, StageSchedulesByKind, UsageContext } from './types';

/**
 * The stage's Akamai budget per API client (deploy/estatsBudget.ts): the packaging table, or
 * a ConfigurationError naming each schedule that cannot fit and the ways out.
 */
export function checkedEstatsBudget(
  config: Pick<BudgetContext, 'estats' | 'file' | 'answerSeconds'>,
  timeoutSeconds: number,
  /** The functions' DEADLINE_SAFETY_MARGIN_MS (the deadlineSafetyMarginMs setting). */
  safetyMarginMs = DEFAULT_SAFETY_MARGIN_MS,
): string {
  const limits = {
    timeoutSeconds,
    safetyMarginSeconds: safetyMarginMs / 1000,
    answerSeconds: config.answerSeconds,
  };
  const budget = stageEstatsBudget(config.estats, limits);
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

/** The enabled eStats schedules' budget per API client (deploy/estatsBudget.ts). */
export function stageEstatsBudget(
  schedules: StageSchedulesByKind['estats'],
  limits: BudgetLimits,
): ClientBudget[] {
  return estatsBudget(
    schedules
      .filter((s) => s.enabled)
      .map(({ input }) => ({
        name: input.name,
        intervalSeconds: input.intervalSeconds ?? 60,
        targets: budgetTargetsOf(input),
        clients: input.clients ?? [DEFAULT_CLIENT],
      })),
    limits,
  );
}

/** Each enabled eStats schedule's first wave per API client (deploy/estatsBudget.ts). */
export function estatsFirstWaves(
  schedules: ReadonlyArray<{ input: EstatsSchedule; enabled: boolean }>,
): Map<string, Record<string, number>> {
  return firstWaves(
    schedules
      .filter((s) => s.enabled)
      .map(({ input }) => ({
        name: input.name,
        targets: budgetTargetsOf(input),
        clients: input.clients ?? [DEFAULT_CLIENT],
      })),
  );
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

/**
 * What an eStats run logs and pushes, measured on the real handler against the stand-in and
 * the real Pushgateway (test/integration/costInputs.test.ts keeps them within 25%).
 */
export const ESTATS_RUN_FIGURES = {
  /** Its "eStats run finished" line. */
  logBytesPerRun: 400,
  /** The "Akamai rate budget" line of each API client. */
  logBytesPerClient: 240,
  /** Each target's group: its status-code mix, errors, hits, timing and info series. */
  samplesPerTarget: 38,
} as const;

/**
 * One run, billed for its budget-paced worst run (the packaging table's): waiting for the
 * Akamai budget is billed wall time.
 */
export function estatsRunUsage(context: UsageContext, index: number): RunUsage {
  const { input } = at(context.estats, index);
  const rows = stageEstatsBudget(context.estats, {
    timeoutSeconds: Number(context.settings.estatsTimeout),
    safetyMarginSeconds:
      Number(context.settings.deadlineSafetyMarginMs || DEFAULT_SAFETY_MARGIN_MS) / 1000,
    answerSeconds: context.answerSeconds,
  })
    .flatMap((client) => client.rows)
    .filter((row) => row.schedule === input.name);
  const targets = rows.reduce((sum, row) => sum + row.targets, 0);
  const seconds = Math.max(0, ...rows.map((row) => row.worstRunSeconds));
  const figures = ESTATS_RUN_FIGURES;
  return {
    seconds,
    // Its clients' secrets, or the function's own (akamaiSecretName) without clients.
    secrets: input.clients ? input.clients.filter((c) => c.secret !== undefined).length : 1,
    logBytes: figures.logBytesPerRun + figures.logBytesPerClient * rows.length,
    samples: figures.samplesPerTarget * targets,
    basis: `its budget-paced worst run, ${plural(targets, 'target')}`,
  };
}
