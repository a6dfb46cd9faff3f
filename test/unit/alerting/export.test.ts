import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { sha256 } from '../../../src/alerting/export';
import { resetS3ForTests } from '../../../src/aws/s3';
import { handler } from '../../../src/handlers/export-alerting';
import { captureStdout, withEnv } from '../../helpers/env';
import { lambdaContext } from '../../helpers/lambdaContext';

const s3 = mockClient(S3Client);
const SLACK_WEBHOOK = 'https://hooks.slack.com/services/T000/B000/SECRETsecretSECRET';
const env = {
  ALERTING_BUCKET: 'alerts-bucket',
  ALERTING_PREFIX: 'alerting',
  ALERTING_OUT_DIR: undefined,
  SLACK_WEBHOOK_URL: SLACK_WEBHOOK,
  LOG_LEVEL: 'info',
};
const run = (event: unknown = {}) =>
  withEnv(env, () => captureStdout(() => handler(event, lambdaContext(30_000, 'exportAlerting'))));

beforeEach(() => {
  s3.reset();
  resetS3ForTests();
});

describe('exportAlerting function', () => {
  it('writes rules, Alertmanager config and templates with their content hash', async () => {
    s3.on(HeadObjectCommand).rejects(
      new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(PutObjectCommand).resolves({});
    const { result, error } = await run();
    expect(error).toBeUndefined();
    expect(result?.written).toEqual(['alertmanager.yml', 'rules.yml', 'templates/slack.tmpl']);

    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual([
      'alerting/alertmanager.yml',
      'alerting/rules.yml',
      'alerting/templates/slack.tmpl',
    ]);
    for (const put of puts) {
      expect(put.Bucket).toBe('alerts-bucket');
      expect(put.Metadata?.['content-sha256']).toBe(sha256(String(put.Body)));
      // The Slack webhook is a secret: referenced by file, never written.
      expect(String(put.Body)).not.toContain('hooks.slack.com');
    }
    expect(String(puts.find((p) => p.Key === 'alerting/alertmanager.yml')?.Body)).toContain(
      'api_url_file:',
    );
  });

  it('does not rewrite unchanged files', async () => {
    const written = new Map<string, string>();
    s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
      const hash = written.get(input.Key);
      if (!hash) throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
      return { Metadata: { 'content-sha256': hash } };
    });
    s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string }) => {
      written.set(input.Key, sha256(input.Body));
      return {};
    });
    await run();
    const second = await run();
    expect(second.result).toMatchObject({
      written: [],
      unchanged: ['alertmanager.yml', 'rules.yml', 'templates/slack.tmpl'],
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(3);
    expect(second.lines.join('\n')).not.toContain(SLACK_WEBHOOK);
  });

  it('explains a denied write', async () => {
    s3.on(HeadObjectCommand).rejects(
      new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(PutObjectCommand).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    const { error } = await run();
    expect((error as Error).message).toBe(
      'cannot write s3://alerts-bucket/alerting/alertmanager.yml: AccessDenied: Access Denied',
    );
    expect((error as { hint?: string }).hint).toContain('s3:PutObject');
  });

  it('names the missing bucket setting', async () => {
    const { error } = await withEnv({ ...env, ALERTING_BUCKET: undefined }, () =>
      captureStdout(() => handler({}, lambdaContext())),
    );
    expect((error as Error).message).toBe('ALERTING_BUCKET is not set');
  });

  it('answers CloudFormation when it runs as the on-deploy custom resource', async () => {
    s3.on(HeadObjectCommand).rejects(
      new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(PutObjectCommand).resolves({});
    const answers: Array<Record<string, string>> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        answers.push(JSON.parse(body) as Record<string, string>);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const event = {
        RequestType: 'Create',
        ResponseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cfn-response`,
        StackId: 'arn:aws:cloudformation:eu-central-1:123456789012:stack/s/1',
        RequestId: 'req-1',
        LogicalResourceId: 'AlertingExportOnDeploy',
        ResourceType: 'Custom::AlertingExport',
        ServiceToken: 'arn:aws:lambda:eu-central-1:123456789012:function:f',
        ResourceProperties: { ServiceToken: 'x' },
      };
      const { error } = await run(event);
      expect(error).toBeUndefined();
      expect(answers).toEqual([
        expect.objectContaining({
          Status: 'SUCCESS',
          RequestId: 'req-1',
          LogicalResourceId: 'AlertingExportOnDeploy',
          PhysicalResourceId: 'alerting-export-AlertingExportOnDeploy',
        }),
      ]);
    } finally {
      server.close();
    }
  });

  it('answers CloudFormation FAILED in time when S3 never answers, instead of hanging the deploy', async () => {
    // A black-holed route to S3: the call neither answers nor fails.
    s3.on(HeadObjectCommand).callsFake(() => new Promise(() => {}));
    const answers: Array<Record<string, string>> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        answers.push(JSON.parse(body) as Record<string, string>);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const event = {
        RequestType: 'Update',
        ResponseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cfn-response`,
        StackId: 'arn:aws:cloudformation:eu-central-1:123456789012:stack/s/1',
        RequestId: 'req-2',
        LogicalResourceId: 'AlertingExportOnDeploy',
        PhysicalResourceId: 'alerting-export-AlertingExportOnDeploy',
        ResourceType: 'Custom::AlertingExport',
        ServiceToken: 'arn:aws:lambda:eu-central-1:123456789012:function:f',
        ResourceProperties: { ServiceToken: 'x' },
        OldResourceProperties: {},
      };
      // 15 s of function time: 3 s safety margin, 10 s kept for the answer, 2 s for S3.
      const context = lambdaContext(15_000, 'exportAlerting');
      const { error } = await withEnv(env, () => captureStdout(() => handler(event, context)));
      expect((error as Error).message).toMatch(
        /^cannot read the metadata of s3:\/\/alerts-bucket\/alerting\/alertmanager\.yml: no answer from S3 within \d+ ms$/,
      );
      expect(answers).toEqual([expect.objectContaining({ Status: 'FAILED', RequestId: 'req-2' })]);
      expect(answers[0]?.Reason).toContain('no answer from S3');
    } finally {
      server.close();
    }
  }, 20_000);
});
