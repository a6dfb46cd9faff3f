import { ConfigurationError } from '../shared/errors';

/** A stage name as serverless accepts it. */
const STAGE_NAME = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The stage that deployed the schedule: packaging puts it in every collector's event
 * (src/deploy/stage/events.ts), and it marks each group the run writes as that stage's
 * (collectors/ownership.ts). An event written by hand may leave it out: its run marks nothing
 * and deletes nothing.
 */
export function resolveEventStage(event: unknown): string | undefined {
  const stage =
    typeof event === 'object' && event !== null
      ? (event as Record<string, unknown>).stage
      : undefined;
  if (stage === undefined) return undefined;
  if (typeof stage !== 'string' || !STAGE_NAME.test(stage))
    throw new ConfigurationError(
      `event.stage ${JSON.stringify(stage)} is not a stage name (1-64 letters, digits or "-")`,
      {
        hint: 'packaging sets it to the stage deployed; by hand, leave it out (nothing is then deleted) or give the stage whose groups the run may delete',
      },
    );
  return stage;
}
