import type { Deadline } from '../shared/deadline';
import { ExportError } from './errors';
import { s3 } from '../aws/s3';
import { within } from './export';

export interface EmptiedBucket {
  /** Object versions and delete markers deleted. */
  deleted: number;
  /** The bucket was already gone (a retried Delete). */
  missing: boolean;
}

/**
 * Delete every object version and delete marker of the stage's export bucket, so that
 * CloudFormation can delete the bucket on `serverless remove` (a versioned bucket with any
 * version left is BucketNotEmpty). Lists a page of versions, deletes it with one DeleteObjects
 * (at most 1,000 keys each, S3's limit), and lists again from the start while more remain: a
 * page's markers would name versions just deleted. Idempotent: a bucket already empty
 * or gone is a success, so CloudFormation's and Lambda's retries are harmless. Any key S3
 * refuses fails the whole call, naming it: the bucket would not delete anyway.
 */
export async function emptyBucket(bucket: string, deadline: Deadline): Promise<EmptiedBucket> {
  const { client, sdk } = s3();
  let deleted = 0;
  for (;;) {
    let page;
    try {
      page = await within(deadline, `list the versions in s3://${bucket}`, (signal) =>
        client.send(new sdk.ListObjectVersionsCommand({ Bucket: bucket }), { abortSignal: signal }),
      );
    } catch (error) {
      if (errorName(error) === 'NoSuchBucket') return { deleted, missing: true };
      throw removalError(bucket, `list the versions in s3://${bucket}`, error, deleted);
    }
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key ?? '',
      VersionId: v.VersionId,
    }));
    if (objects.length > 0) {
      let answer;
      try {
        answer = await within(
          deadline,
          `delete ${objects.length} versions in s3://${bucket}`,
          (signal) =>
            client.send(
              new sdk.DeleteObjectsCommand({
                Bucket: bucket,
                Delete: { Objects: objects, Quiet: true },
              }),
              { abortSignal: signal },
            ),
        );
      } catch (error) {
        throw removalError(
          bucket,
          `delete ${objects.length} versions in s3://${bucket}`,
          error,
          deleted,
        );
      }
      const refused = answer.Errors ?? [];
      deleted += objects.length - refused.length;
      if (refused.length > 0) {
        const first = refused[0];
        throw new ExportError(
          `cannot empty s3://${bucket}: S3 refused ${refused.length} of ${objects.length} versions, first ${first?.Key} (${first?.Code}: ${first?.Message})`,
          { hint: removalHint(bucket, deleted) },
        );
      }
    }
    if (!page.IsTruncated) return { deleted, missing: false };
  }
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? 'Error';
}

function removalError(
  bucket: string,
  action: string,
  error: unknown,
  deleted: number,
): ExportError {
  // A timeout (within) already says what did not answer; the hint is the removal's.
  const message =
    error instanceof ExportError
      ? error.message
      : `cannot ${action}: ${errorName(error)}: ${(error as Error).message}`;
  return new ExportError(message, { cause: error, hint: removalHint(bucket, deleted) });
}

function removalHint(bucket: string, deleted: number): string {
  return (
    `${deleted} versions were deleted before this; the export role (ExportAlertingRole) needs s3:ListBucketVersions, s3:DeleteObject and s3:DeleteObjectVersion on the bucket. ` +
    `Empty it by hand (aws s3api list-object-versions --bucket ${bucket}, then delete-objects) and run serverless remove again, ` +
    'or set functions.alertingExportOnRemove: keep to leave the bucket'
  );
}
