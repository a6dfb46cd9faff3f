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
import type { BudgetContext, StageSchedulesByKind } from './types';

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
