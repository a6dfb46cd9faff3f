import type { Context } from 'aws-lambda';
import type { Env } from '../config/env';
import { logLevelFromEnv, safetyMarginMsFromEnv } from '../config/invocation';
import { refuseUnknownVariables } from '../config/knownVariables';
import { PRODUCT_NAME } from '../constants';
import { type Deadline, deadlineFromLambdaContext } from '../shared/deadline';
import { describeError, RunReportedError } from '../shared/errors';
import { createLogger, type Logger } from '../shared/logger';
import { scrubError } from '../shared/redaction';

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

/** True until this execution environment's first invocation starts. */
let coldStart = true;

/**
 * The fields every log line of an invocation carries, named as Lambda's own and Powertools'
 * JSON logs name them where ours had none: `service`, `cold_start` (the first invocation of an
 * execution environment; one that provisioned concurrency started ahead is not cold), and
 * `xray_trace_id` (the Root of the trace header Lambda sets for each invocation).
 */
function invocationFields(name: string, env: Env, context: Context): Record<string, unknown> {
  const cold = coldStart && env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';
  coldStart = false;
  const traceId = /(?:^|;)Root=([^;]+)/.exec(env._X_AMZN_TRACE_ID ?? '')?.[1];
  return {
    service: PRODUCT_NAME,
    function: name,
    requestId: context.awsRequestId,
    cold_start: cold,
    ...(traceId ? { xray_trace_id: traceId } : {}),
  };
}

/**
 * The one prologue and epilogue of every function: a JSON logger carrying the invocation's
 * fields (LOG_LEVEL, or the ApplicationLogLevel Lambda sets), the invocation's deadline (DEADLINE_SAFETY_MARGIN_MS), and one
 * error line, `<what> failed`, for a failure the body has not reported in its own summary.
 * The error is rethrown, scrubbed of credentials, so Lambda's retries and the on-failure
 * destination see it. The environment is read here and nowhere else in src/, and a variable under our prefixes that
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
      fields: invocationFields(name, env, context),
    });
    try {
      refuseUnknownVariables(env);
      const deadline = deadlineFromLambdaContext(context, safetyMarginMsFromEnv(env));
      return await body(event, { env, logger, deadline, context });
    } catch (error) {
      if (!(error instanceof RunReportedError))
        logger.error(`${what} failed`, { error: describeError(error) });
      // The runtime prints what is thrown and the failure destination keeps it: no credential.
      throw scrubError(error);
    }
  };
  return Object.assign(withEnv(process.env), { withEnv });
}
