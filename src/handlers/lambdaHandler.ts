import type { Context } from 'aws-lambda';
import type { Env } from '../config/env';
import { logLevelFromEnv, safetyMarginMsFromEnv } from '../config/invocation';
import { refuseUnknownVariables } from '../config/knownVariables';
import { type Deadline, deadlineFromLambdaContext } from '../shared/deadline';
import { describeError, RunReportedError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';

/** What every function's body gets: its configuration, logger and time budget. */
export interface Invocation {
  env: Env;
  logger: Logger;
  /** The function's remaining time minus DEADLINE_SAFETY_MARGIN_MS. */
  deadline: Deadline;
  context: Context;
}

/** A Lambda handler that can also be run with a configuration of its own (`npm start`). */
export interface LambdaHandler<R> {
  (event: unknown, context: Context): Promise<R>;
  /** The same function reading `env` instead of the process environment. */
  withEnv(env: Env): (event: unknown, context: Context) => Promise<R>;
}

/**
 * The one prologue and epilogue of every function: a JSON logger carrying the function's name
 * and request id (LOG_LEVEL), the invocation's deadline (DEADLINE_SAFETY_MARGIN_MS), and one
 * error line, `<what> failed`, for a failure the body has not reported in its own summary.
 * The error is rethrown, so Lambda's retries and the on-failure destination see it. The
 * environment is read here and nowhere else in src/, and a variable under our prefixes that
 * nothing reads (a typo) stops the run before anything is requested.
 */
export function lambdaHandler<R>(
  name: string,
  what: string,
  body: (event: unknown, invocation: Invocation) => Promise<R>,
): LambdaHandler<R> {
  const withEnv = (env: Env) => async (event: unknown, context: Context) => {
    const logger = createLogger({
      level: logLevelFromEnv(env),
      fields: { function: name, requestId: context.awsRequestId },
    });
    try {
      refuseUnknownVariables(env);
      const deadline = deadlineFromLambdaContext(context, safetyMarginMsFromEnv(env));
      return await body(event, { env, logger, deadline, context });
    } catch (error) {
      if (!(error instanceof RunReportedError))
        logger.error(`${what} failed`, { error: describeError(error) });
      throw error;
    }
  };
  return Object.assign(withEnv(process.env), { withEnv });
}
