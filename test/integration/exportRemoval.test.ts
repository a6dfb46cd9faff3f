import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { resetS3ForTests } from '../../src/aws/s3';
import { handler } from '../../src/handlers/export-alerting';
import { startS3Standin, type S3Standin } from '../../dev/simulators/s3';
import { STANDIN_AWS } from '../../dev/simulators/secretsManager';
import { captureStdout, s3StandinEnv, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * `serverless remove` of a stage, as CloudFormation runs it: a Delete request to the export's
 * custom resource (which the template orders before the bucket), then DeleteBucket. The S3
 * stand-in checks SigV4, payload hashes and checksums, keeps every version, and refuses to
 * delete a bucket with any version left, as S3 does.
 */
const BUCKET = 'cdn-metrics-prod-alertingexportbucket-1a2b3c';
let s3: S3Standin;
let cloudFormation: Server;
let answers: Array<Record<string, string>>;

const env = () => ({
  ...s3StandinEnv(s3.endpoint),
  ALERTING_BUCKET: BUCKET,
  ALERTING_PREFIX: 'alerting/',
  ALERTING_OUT_DIR: undefined,
  LOG_LEVEL: 'info',
});

function customResourceEvent(
  requestType: 'Create' | 'Delete',
  properties: Record<string, string>,
): Record<string, unknown> {
  return {
    RequestType: requestType,
    ResponseURL: `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}/cfn-response`,
    StackId: 'arn:aws:cloudformation:eu-central-1:123456789012:stack/cdn-metrics-prod/1',
    RequestId: `req-${requestType}`,
    LogicalResourceId: 'AlertingExportOnDeploy',
    ...(requestType === 'Delete'
      ? { PhysicalResourceId: 'alerting-export-AlertingExportOnDeploy' }
      : {}),
    ResourceType: 'Custom::AlertingExport',
    ServiceToken: 'arn:aws:lambda:eu-central-1:123456789012:function:export',
    // CloudFormation hands a custom resource its properties as strings.
    ResourceProperties: { ServiceToken: 'x', BucketName: BUCKET, ...properties },
  };
}

const invoke = (event: Record<string, unknown>) =>
  withEnv(env(), () =>
    captureStdout(() => handler(event, lambdaContext(30_000, 'exportAlerting'))),
  );

/** CloudFormation's next step after the custom resource: delete the bucket. */
async function deleteBucketAsCloudFormation(): Promise<string> {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: STANDIN_AWS.region,
    credentials: STANDIN_AWS,
  });
  try {
    await client.send(new DeleteBucketCommand({ Bucket: BUCKET }));
    return 'deleted';
  } catch (error) {
    return (error as Error).name;
  }
}

beforeEach(async () => {
  resetS3ForTests();
  s3 = await startS3Standin();
  s3.createBucket(BUCKET);
  answers = [];
  cloudFormation = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      answers.push(JSON.parse(body) as Record<string, string>);
      res.end();
    });
  });
  await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  await s3.stop();
  await new Promise((resolve) => cloudFormation.close(resolve));
});

describe('serverless remove of the alerting export', () => {
  it('empties the versioned bucket, every version and delete marker, so CloudFormation can delete it (alertingExportOnRemove: delete)', async () => {
    // A deploy's export, through the real SDK, signed and checked by the stand-in.
    const created = await invoke(customResourceEvent('Create', { EmptyBucketOnDelete: 'true' }));
    expect(created.error).toBeUndefined();
    expect(answers.map((a) => a.Status)).toEqual(['SUCCESS']);
    // A year of daily exports that changed, a file a user synced in, a deleted file: over
    // two listing pages (S3 lists and deletes at most 1,000 at a time).
    for (let i = 0; i < 1_200; i++) s3.seed(BUCKET, `alerting/rules.yml`, `rules ${i}`);
    s3.seed(BUCKET, 'notes/readme.txt', 'ours');
    s3.seed(BUCKET, 'alerting/old.yml', 'old');
    s3.seed(BUCKET, 'alerting/old.yml');
    const versions = s3.versionsOf(BUCKET)?.length ?? 0;
    expect(versions).toBe(3 + 1_200 + 3);
    // What stops `serverless remove` today: a versioned bucket with versions left.
    expect(await deleteBucketAsCloudFormation()).toBe('BucketNotEmpty');

    const removed = await invoke(customResourceEvent('Delete', { EmptyBucketOnDelete: 'true' }));
    expect(removed.error).toBeUndefined();
    expect(answers[1]).toMatchObject({
      Status: 'SUCCESS',
      RequestId: 'req-Delete',
      PhysicalResourceId: 'alerting-export-AlertingExportOnDeploy',
    });
    expect(answers[1]?.Reason).toContain(`${versions} versions deleted`);
    expect(s3.versionsOf(BUCKET)).toEqual([]);
    const deletes = s3.calls.filter((c) => c.operation === 'DeleteObjects');
    expect(deletes).toEqual([
      { operation: 'DeleteObjects', status: 200 },
      { operation: 'DeleteObjects', status: 200 },
    ]);
    expect(await deleteBucketAsCloudFormation()).toBe('deleted');
    expect(removed.lines.join('\n')).toContain('"message":"alerting export removed"');

    // CloudFormation or Lambda may deliver the Delete again: the bucket is gone, all is well.
    const again = await invoke(customResourceEvent('Delete', { EmptyBucketOnDelete: 'true' }));
    expect(again.error).toBeUndefined();
    expect(answers[2]).toMatchObject({ Status: 'SUCCESS' });
    expect(answers[2]?.Reason).toContain('already gone');
  });

  it('keeps the bucket and its files by default (alertingExportOnRemove: keep, the bucket retained)', async () => {
    await invoke(customResourceEvent('Create', { EmptyBucketOnDelete: 'false' }));
    const exported = s3.versionsOf(BUCKET);
    expect(exported?.map((v) => v.key).sort()).toEqual([
      'alerting/alertmanager.yml',
      'alerting/rules.yml',
      'alerting/templates/slack.tmpl',
    ]);
    const removed = await invoke(customResourceEvent('Delete', { EmptyBucketOnDelete: 'false' }));
    expect(removed.error).toBeUndefined();
    expect(answers[1]).toMatchObject({ Status: 'SUCCESS' });
    expect(answers[1]?.Reason).toContain('kept');
    expect(s3.versionsOf(BUCKET)).toEqual(exported);
    expect(s3.calls.some((c) => c.operation === 'DeleteObjects')).toBe(false);
  });

  it('fails the removal with the key S3 refused and the way out, and tells CloudFormation', async () => {
    s3.seed(BUCKET, 'alerting/rules.yml', 'rules');
    s3.seed(BUCKET, 'legal-hold/report.pdf', 'held');
    s3.denyDeletesOf('legal-hold/report.pdf');
    const removed = await invoke(customResourceEvent('Delete', { EmptyBucketOnDelete: 'true' }));
    const error = removed.error as Error & { hint?: string };
    expect(error.message).toBe(
      `cannot empty s3://${BUCKET}: S3 refused 1 of 2 versions, first legal-hold/report.pdf (AccessDenied: Access Denied)`,
    );
    expect(error.hint).toContain('s3:DeleteObjectVersion');
    expect(error.hint).toContain(`aws s3api list-object-versions --bucket ${BUCKET}`);
    expect(error.hint).toContain('alertingExportOnRemove: keep');
    expect(answers).toEqual([expect.objectContaining({ Status: 'FAILED' })]);
    expect(answers[0]?.Reason).toContain('legal-hold/report.pdf');
    // What could go, went; the refused version stays.
    expect(s3.versionsOf(BUCKET)?.map((v) => v.key)).toEqual(['legal-hold/report.pdf']);
  });
});

describe('the S3 stand-in checks what S3 checks', () => {
  it('refuses a request signed with another secret, and a body that does not match its checksum', async () => {
    const wrongSecret = new S3Client({
      endpoint: s3.endpoint,
      region: STANDIN_AWS.region,
      credentials: { accessKeyId: STANDIN_AWS.accessKeyId, secretAccessKey: 'not-the-secret' },
    });
    await expect(
      wrongSecret.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: STANDIN_AWS.region,
      credentials: STANDIN_AWS,
    });
    await expect(
      client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'a', Body: 'x', ChecksumCRC32: 'AAAAAA==' }),
      ),
    ).rejects.toMatchObject({ name: 'BadDigest' });
    await expect(
      client.send(new PutObjectCommand({ Bucket: 'someone-elses', Key: 'a', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(s3.versionsOf(BUCKET)).toEqual([]);
  });
});
