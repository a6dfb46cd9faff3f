import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { exportToS3, type ExportResult, sha256 } from '../alerting/export';
import { putToAmp } from '../alerting/amp';
import { emptyBucket } from '../alerting/emptyBucket';
import { RENDERED_ALERTING_FILES, RENDERED_AMP_EXPORT } from '../alerting/rendered.gen';
import { type Env, readOptionalString, readString } from '../config/env';
import { ConfigurationError, describeError } from '../shared/errors';
import type { Deadline } from '../shared/deadline';
import { httpRequest } from '../shared/http';
import { lambdaHandler } from './lambdaHandler';

/**
 * Companion function: write the alert rules, the Alertmanager config and its templates to S3
 * (only what changed), in the stage's formats, and with the amp format put the rules and
 * routes in the AMP workspace. They were rendered from the typed definitions and validated at
 * build time; the function ships them. Runs on a schedule and, as a CloudFormation custom
 * resource, on every deploy.
 */
export const handler = lambdaHandler(
  'exportAlerting',
  'alerting export',
  async (event, { env, logger, context, deadline }): Promise<ExportResult> => {
    const customResource = isCustomResourceEvent(event) ? event : undefined;
    try {
      if (customResource?.RequestType === 'Delete') {
        const outcome = await onRemove(
          customResource.ResourceProperties,
          leavingTimeToAnswer(deadline),
        );
        logger.info('alerting export removed', outcome);
        await answerCloudFormation(customResource, 'SUCCESS', outcome.reason, context);
        return { written: [], unchanged: [], hashes: {} };
      }
      // Rendered and validated at build time (npm run alerting:export, drift-checked in CI).
      const files = RENDERED_ALERTING_FILES;
      const outDir = readOptionalString(env, 'ALERTING_OUT_DIR');
      const budget = customResource ? leavingTimeToAnswer(deadline) : deadline;
      const result = outDir
        ? writeToDirectory(files, outDir)
        : await exportToS3(files, s3Target(env), budget);
      // Locally (ALERTING_OUT_DIR) the AMP forms are files under amp/, put nowhere.
      const amp =
        RENDERED_AMP_EXPORT && !outDir ? await putToAmp(RENDERED_AMP_EXPORT, budget) : undefined;
      logger.info('alerting exported', {
        destination: outDir ?? `s3://${env.ALERTING_BUCKET}/${env.ALERTING_PREFIX ?? 'alerting/'}`,
        written: result.written,
        unchanged: result.unchanged,
        ...(amp && RENDERED_AMP_EXPORT
          ? {
              amp: {
                workspace: RENDERED_AMP_EXPORT.workspaceId,
                written: amp.written,
                unchanged: amp.unchanged,
              },
            }
          : {}),
        bundleSha256: sha256(JSON.stringify(result.hashes)),
      });
      if (customResource)
        await answerCloudFormation(
          customResource,
          'SUCCESS',
          `written: ${result.written.join(', ') || 'none'}`,
          context,
        );
      return result;
    } catch (error) {
      // CloudFormation waits for an answer on every outcome (or hangs the deploy for an hour).
      if (customResource)
        await answerCloudFormation(
          customResource,
          'FAILED',
          describeError(error).slice(0, 500),
          context,
        );
      throw error;
    }
  },
);

/**
 * `serverless remove` (or a rolled-back first deploy): with functions.alertingExportOnRemove
 * `delete`, the template asks (EmptyBucketOnDelete) to empty the export bucket, every version,
 * so that CloudFormation can delete it; with `keep` the bucket is retained (DeletionPolicy) and
 * its files stay for the Prometheus that reads them. The properties are the template's, so the
 * choice is the one deployed, whatever the function's environment says.
 */
async function onRemove(
  properties: Record<string, unknown>,
  deadline: Deadline,
): Promise<{ reason: string; bucket?: string; deleted?: number }> {
  const bucket = typeof properties.BucketName === 'string' ? properties.BucketName : undefined;
  if (String(properties.EmptyBucketOnDelete) !== 'true' || !bucket)
    return { reason: 'the export bucket and its files are kept (alertingExportOnRemove: keep)' };
  const { deleted, missing } = await emptyBucket(bucket, deadline);
  return {
    bucket,
    deleted,
    reason: missing
      ? `the export bucket ${bucket} is already gone`
      : `emptied the export bucket ${bucket}: ${deleted} versions deleted`,
  };
}

/** How long the answer to CloudFormation may take (its PUT's timeout). */
const ANSWER_TIMEOUT_MS = 10_000;

/** The deadline less the time to answer CloudFormation: the answer always goes out. */
function leavingTimeToAnswer(deadline: Deadline): Deadline {
  return { remainingMs: () => Math.max(0, deadline.remainingMs() - ANSWER_TIMEOUT_MS) };
}

function s3Target(env: Env): { bucket: string; prefix: string } {
  const bucket = readOptionalString(env, 'ALERTING_BUCKET');
  if (!bucket) {
    throw new ConfigurationError('ALERTING_BUCKET is not set', {
      hint: 'set it to the bucket that receives the files, or ALERTING_OUT_DIR to write to a local folder',
    });
  }
  return { bucket, prefix: readString(env, 'ALERTING_PREFIX', 'alerting/') };
}

function writeToDirectory(files: Record<string, string>, dir: string): ExportResult {
  const result: ExportResult = { written: [], unchanged: [], hashes: {} };
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    result.written.push(name);
    result.hashes[name] = sha256(content);
  }
  return result;
}

function isCustomResourceEvent(event: unknown): event is CloudFormationCustomResourceEvent {
  return (
    typeof event === 'object' && event !== null && 'RequestType' in event && 'ResponseURL' in event
  );
}

/** The custom resource protocol: PUT the outcome to the pre-signed ResponseURL. */
async function answerCloudFormation(
  event: CloudFormationCustomResourceEvent,
  status: 'SUCCESS' | 'FAILED',
  reason: string,
  context: Context,
): Promise<void> {
  const body = JSON.stringify({
    Status: status,
    Reason: `${reason} (log stream ${context.logStreamName})`,
    PhysicalResourceId:
      'PhysicalResourceId' in event
        ? event.PhysicalResourceId
        : `alerting-export-${event.LogicalResourceId}`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const response = await httpRequest({
    method: 'PUT',
    url: new URL(event.ResponseURL),
    headers: { 'content-type': '' },
    body,
    timeoutMs: ANSWER_TIMEOUT_MS,
  });
  if (response.status >= 300)
    throw new Error(`CloudFormation response URL answered HTTP ${response.status}`);
}
