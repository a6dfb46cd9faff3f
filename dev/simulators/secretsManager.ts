import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from './sigv4';

/**
 * A local stand-in for AWS Secrets Manager's GetSecretValue, for the AWS SDK's client (pointed
 * here with AWS_ENDPOINT_URL_SECRETS_MANAGER). Like the service it checks the SigV4 signature
 * (./sigv4.ts); the JSON 1.1 protocol headers and the
 * body shape; and answers in the service's format, errors included (`__type` +
 * `x-amzn-errortype`). Each call records the access key id that signed it, so a test can tell
 * which credential source the SDK used.
 */
export interface SecretsManagerStandin {
  endpoint: string;
  /** Secret id → SecretString, or bytes for a binary secret. */
  secrets: Map<string, string | Uint8Array>;
  calls: Array<{ secretId: string; status: number; accessKeyId: string }>;
  /** Access key id → secret access key of the identities it knows (STANDIN_AWS at start). */
  keys: Map<string, string>;
  /** Answer the next `count` calls with ThrottlingException. */
  throttleNext(count: number): void;
  /** Never answer the next `count` calls (a network path that swallows requests). */
  stallNext(count: number): void;
  /** Answer the next call with this error instead (e.g. AccessDeniedException, 400). */
  failNext(type: string, status: number, message: string): void;
  stop(): Promise<void>;
}

export const STANDIN_AWS = {
  accessKeyId: 'AKIDSTANDIN000000001',
  secretAccessKey: 'standin-secret-access-key-0000000000001',
  region: 'eu-central-1',
};

/** The account the stand-in's secrets live in. */
const STANDIN_ACCOUNT = '123456789012';

/**
 * The stand-in of one region's endpoint (`region`, default STANDIN_AWS.region), as the service
 * is regional: a request signed for another region is refused, and a secret is found by its
 * name or by its ARN in this region and account (complete, with the 6-character suffix the
 * service adds, or partial, without it).
 */
export async function startSecretsManagerStandin(
  options: { region?: string } = {},
): Promise<SecretsManagerStandin> {
  const region = options.region ?? STANDIN_AWS.region;
  const secrets = new Map<string, string>();
  const calls: SecretsManagerStandin['calls'] = [];
  let throttle = 0;
  let stall = 0;
  let scripted: { type: string; status: number; message: string } | undefined;
  const keys = new Map([[STANDIN_AWS.accessKeyId, STANDIN_AWS.secretAccessKey]]);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let accessKeyId = '';
      const fail = (status: number, type: string, message: string, secretId = '') => {
        calls.push({ secretId, status, accessKeyId });
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': type,
          'x-amzn-requestid': randomUUID(),
        });
        res.end(JSON.stringify({ __type: type, message }));
      };
      const check = await verifySigV4(req, body, {
        keys,
        region,
        service: 'secretsmanager',
      });
      accessKeyId = check.accessKeyId;
      if (!check.ok) return fail(400, check.type, check.message);
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return fail(400, 'UnknownOperationException', 'only GetSecretValue is served here');
      if (!String(req.headers['content-type']).startsWith('application/x-amz-json-1.1'))
        return fail(400, 'SerializationException', 'wrong content type');
      let secretId = '';
      try {
        secretId = String((JSON.parse(body) as { SecretId?: unknown }).SecretId ?? '');
      } catch {
        return fail(400, 'SerializationException', 'body is not JSON');
      }
      if (scripted) {
        const { type, status, message } = scripted;
        scripted = undefined;
        return fail(status, type, message, secretId);
      }
      if (stall > 0) {
        stall--;
        calls.push({ secretId, status: 0, accessKeyId });
        return; // no answer at all
      }
      if (throttle > 0) {
        throttle--;
        return fail(400, 'ThrottlingException', 'Rate exceeded', secretId);
      }
      const name = nameOf(secretId);
      const value = name === undefined ? undefined : secrets.get(name);
      if (value === undefined)
        return fail(
          400,
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret.",
          secretId,
        );
      calls.push({ secretId, status: 200, accessKeyId });
      res.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:${region}:${STANDIN_ACCOUNT}:secret:${name}-AbCdEf`,
          Name: name,
          ...(typeof value === 'string'
            ? { SecretString: value }
            : { SecretBinary: Buffer.from(value).toString('base64') }),
          VersionId: '00000000-0000-0000-0000-000000000001',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: Date.now() / 1000,
        }),
      );
    });
  });
  /** The name a secret id stands for: itself, or the name in an ARN of this region's. */
  const nameOf = (secretId: string): string | undefined => {
    const arn = /^arn:aws:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/.exec(secretId);
    if (!arn) return secretId;
    const [, inRegion, account, rest = ''] = arn;
    if (inRegion !== region || account !== STANDIN_ACCOUNT) return undefined;
    const complete = /^(.+)-[A-Za-z0-9]{6}$/.exec(rest)?.[1];
    return complete !== undefined && secrets.has(complete) ? complete : rest;
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secrets,
    calls,
    keys,
    stallNext: (count) => {
      stall = count;
    },
    throttleNext: (count) => {
      throttle = count;
    },
    failNext: (type, status, message) => {
      scripted = { type, status, message };
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
