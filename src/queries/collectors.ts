import { COLLECTOR, JANITOR } from '../metrics/catalogue';
import { freshestCopy } from './recorded';

/** The freshest copy of each collector's report on its runs, per schedule. */
export const RUN_HEALTH_RECORDED = {
  runSuccess: freshestCopy('runHealth', COLLECTOR.runSuccess.name),
  runDuration: freshestCopy('runHealth', COLLECTOR.runDuration.name),
  targets: freshestCopy('runHealth', COLLECTOR.targets.name),
  pushgatewayMissedGroups: freshestCopy('runHealth', COLLECTOR.pushgatewayMissedGroups.name),
  scheduleInterval: freshestCopy('runHealth', COLLECTOR.scheduleInterval.name),
  akamaiRateLimit: freshestCopy('runHealth', COLLECTOR.akamaiRateLimit.name),
  akamaiRateRemaining: freshestCopy('runHealth', COLLECTOR.akamaiRateRemaining.name),
  akamaiRateWait: freshestCopy('runHealth', COLLECTOR.akamaiRateWait.name),
  akamaiThrottled: freshestCopy('runHealth', COLLECTOR.akamaiThrottled.name),
} as const;

/** The freshest copy of the janitor's report, per stage. */
export const JANITOR_RECORDED = {
  expiredGroups: freshestCopy('janitor', JANITOR.expiredGroups.name),
  deletedGroups: freshestCopy('janitor', JANITOR.deletedGroups.name),
  lastRunTimestamp: freshestCopy('janitor', JANITOR.lastRunTimestamp.name),
} as const;
