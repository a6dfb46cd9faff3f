/**
 * A stage's file (`config/<stage>.yml`): its schema, the loader that checks it, and what
 * packaging makes of it (schedule events, budgets, the secrets each function reads).
 */
export { EXAMPLE_STAGE, type StageConfig } from './config';
export { EXAMPLE_DISCOVER_MATCH } from './collectors/estats';
export { estatsScheduleOf } from './collectors/estatsEvents';
export { enabledScheduleNames, packagingBudgets } from './collectors';
export { loadStageConfig, type StageLoadOptions, stageConfigOf } from './load';
export {
  EVENTBRIDGE_MAX_INPUT_CHARS,
  EVENTBRIDGE_MAX_RULE_NAME_CHARS,
  deliveredEvent,
  maximumEventAges,
  type ScheduleEvent,
  scheduleEvents,
} from './events';
export { checkedEstatsBudget } from './collectors/estatsBudget';
export { checkedScrapeBudget } from './collectors/scrape';
export { ampExportTarget, collectorSecrets } from './resources';
export { STAGE_FUNCTIONS, stageFunctionEnvironments } from './functions';
