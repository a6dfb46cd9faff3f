import {
  type FunctionEnvironments,
  functionEnvironmentsOf,
  type StageSettings,
} from '../stageSettings';
import { COLLECTOR_KINDS } from './collectors';

/**
 * A stage's functions, by their names in serverless.yml: one per collector kind (the
 * collector table's), the janitor and the alerting export.
 */
export const STAGE_FUNCTIONS: readonly string[] = [...COLLECTOR_KINDS, 'janitor', 'exportAlerting'];

/** The variables of each of the stage's functions (stageSettings.ts), every function keyed. */
export function stageFunctionEnvironments(
  settings: StageSettings,
  stage: string,
): FunctionEnvironments {
  return functionEnvironmentsOf(settings, stage, STAGE_FUNCTIONS);
}
