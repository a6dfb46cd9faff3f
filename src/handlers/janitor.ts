import { JanitorRunError } from '../janitor/errors';
import { type JanitorSummary, runJanitor } from '../janitor/janitor';
import { parseJanitorPolicy } from '../janitor/policy';
import { connectGroupStores } from '../sinks/connect';
import { lambdaHandler } from './lambdaHandler';

/**
 * Scheduled janitor: deletes the groups of this product's jobs that nobody pushed for longer
 * than their TTL (the stage file's `janitor:`). Thin: read the policy, run, log one summary
 * line; throws when an expired group could not be deleted or the report not pushed.
 */
export const handler = lambdaHandler(
  'janitor',
  'janitor run',
  async (event, { env, logger, deadline }): Promise<JanitorSummary | { skipped: string }> => {
    const policy = parseJanitorPolicy(event);
    // Only the Pushgateway keeps groups: with other sinks alone there is nothing to clean.
    const stores = await connectGroupStores(env, deadline, logger);
    if (!stores) {
      const skipped = `SINKS=${env.SINKS} has no Pushgateway: nothing to clean`;
      logger.info('janitor run skipped', { reason: skipped });
      return { skipped };
    }
    const summary = await runJanitor(policy, stores, deadline, logger);
    const { deleted, failed, ...counts } = summary;
    logger.info(policy.dryRun ? 'janitor dry run finished' : 'janitor run finished', {
      ...counts,
      deleted: deleted.length,
      failed: failed.length,
      groups: deleted.map((d) => d.group),
    });
    if (failed.length > 0 || summary.unlisted || summary.healthPushError)
      throw new JanitorRunError(summary);
    return summary;
  },
);
