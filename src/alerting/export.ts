import { createHash } from 'node:crypto';
import type { Deadline } from '../shared/deadline';
import { s3 } from '../aws/s3';
import { ExportError } from './errors';

/** Object metadata holding the content hash: unchanged files are not rewritten. */
export const HASH_METADATA_KEY = 'content-sha256';

/** The content hash kept with each exported file, to skip unchanged ones. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface ExportTarget {
  bucket: string;
  /** Key prefix, e.g. `alerting/` (a trailing slash is added when missing). */
  prefix: string;
}

export interface ExportResult {
  written: string[];
  unchanged: string[];
  hashes: Record<string, string>;
}

/**
 * Write each file to s3://bucket/prefix<name> unless the object there already carries the
 * same content hash. Reads only object metadata (HeadObject), never lists or deletes. Every
 * call is bounded by `deadline`: a hanging S3 (no VPC endpoint, a black-holed route) ends the
 * export with an error in time for the function to answer CloudFormation, instead of a
 * Lambda timeout that leaves a deploy waiting an hour for the custom resource.
 */
export async function exportToS3(
  files: Record<string, string>,
  target: ExportTarget,
  deadline: Deadline,
): Promise<ExportResult> {
  const { client: s3Client, sdk } = s3();
  const prefix =
    target.prefix === '' || target.prefix.endsWith('/') ? target.prefix : `${target.prefix}/`;
  const result: ExportResult = { written: [], unchanged: [], hashes: {} };
  for (const [name, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const key = `${prefix}${name}`;
    const hash = sha256(content);
    result.hashes[name] = hash;
    let current: string | undefined;
    try {
      const head = await within(
        deadline,
        `read the metadata of s3://${target.bucket}/${key}`,
        (signal) =>
          s3Client.send(new sdk.HeadObjectCommand({ Bucket: target.bucket, Key: key }), {
            abortSignal: signal,
          }),
      );
      current = head.Metadata?.[HASH_METADATA_KEY];
    } catch (error) {
      if (error instanceof ExportError) throw error;
      if (!isNotFound(error)) throw s3Error('read the metadata of', target.bucket, key, error);
    }
    if (current === hash) {
      result.unchanged.push(name);
      continue;
    }
    try {
      await within(deadline, `write s3://${target.bucket}/${key}`, (signal) =>
        s3Client.send(
          new sdk.PutObjectCommand({
            Bucket: target.bucket,
            Key: key,
            Body: content,
            ContentType: name.endsWith('.yml') ? 'application/yaml' : 'text/plain; charset=utf-8',
            Metadata: { [HASH_METADATA_KEY]: hash },
          }),
          { abortSignal: signal },
        ),
      );
    } catch (error) {
      if (error instanceof ExportError) throw error;
      throw s3Error('write', target.bucket, key, error);
    }
    result.written.push(name);
  }
  return result;
}

const S3_SERVICE = {
  name: 'S3',
  networkHint: 'check the network path to S3 (a VPC needs an S3 gateway endpoint or a NAT gateway)',
};

/**
 * `call` with the time the deadline leaves: the signal aborts the request in flight, and the
 * timer also ends a wait between the SDK's own retries, which the signal does not interrupt.
 */
export async function within<T>(
  deadline: Deadline,
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
  service: { name: string; networkHint: string } = S3_SERVICE,
): Promise<T> {
  const budgetMs = deadline.remainingMs();
  const timedOut = () =>
    new ExportError(
      `cannot ${what}: no answer from ${service.name} within ${Math.floor(budgetMs)} ms`,
      {
        hint: `${service.networkHint}; the export runs again at the next deploy or daily`,
      },
    );
  if (budgetMs <= 0) throw timedOut();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(timedOut());
    }, budgetMs);
  });
  try {
    return await Promise.race([call(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

function s3Error(action: string, bucket: string, key: string, error: unknown): ExportError {
  const name = (error as { name?: string }).name ?? 'Error';
  const hint =
    name === 'AccessDenied' || name === 'Forbidden'
      ? 'the role of the export function (ExportAlertingRole, infra/serverless/roles.js) needs s3:PutObject and s3:GetObject on the export prefix'
      : name === 'NoSuchBucket'
        ? 'create the bucket or fix ALERTING_BUCKET'
        : 'check ALERTING_BUCKET, ALERTING_PREFIX and the region';
  return new ExportError(
    `cannot ${action} s3://${bucket}/${key}: ${name}: ${(error as Error).message}`,
    { cause: error, hint },
  );
}
