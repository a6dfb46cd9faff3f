import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An identity a credential source hands out. */
export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * The AWS endpoints that hand out credentials, as the SDK's default chain reads them, on one
 * loopback server. Each answers in the real service's format and checks what the real one
 * checks:
 * - container credentials (ECS, Lambda SnapStart, EKS Pod Identity): `GET /container-credentials`
 *   with the `Authorization` token of AWS_CONTAINER_AUTHORIZATION_TOKEN; JSON answer;
 * - instance metadata (IMDSv2): `PUT /latest/api/token` with a TTL header, then the role name
 *   and the role's credentials, each `GET` carrying that token;
 * - STS `AssumeRoleWithWebIdentity` (EKS IRSA, GitHub OIDC): a form POST carrying the token
 *   file's content and the role ARN; XML answer.
 */
export interface AwsCredentialEndpoints {
  url: string;
  /** What each source hands out. */
  container: AwsKeys;
  instance: AwsKeys;
  webIdentity: AwsKeys;
  containerToken: string;
  webIdentityToken: string;
  roleArn: string;
  /** `<source> <outcome>` per request, e.g. `sts 200`, `container 401`. */
  requests: string[];
  stop(): Promise<void>;
}

const keys = (name: string): AwsKeys => ({
  accessKeyId: `ASIA${name.toUpperCase().padEnd(16, '0').slice(0, 16)}`,
  secretAccessKey: `${name}-secret-access-key-000000000000000`,
  sessionToken: `${name}-session-token-${'0'.repeat(40)}`,
});

export async function startAwsCredentialEndpoints(): Promise<AwsCredentialEndpoints> {
  const endpoints = {
    container: keys('container'),
    instance: keys('instance'),
    webIdentity: keys('webidentity'),
    containerToken: `container-auth-${randomUUID()}`,
    webIdentityToken: `eyJ.web-identity.${randomUUID()}`,
    roleArn: 'arn:aws:iam::123456789012:role/pushgate-collector',
    requests: [] as string[],
  };
  const imdsTokens = new Set<string>();
  const expiration = () => new Date(Date.now() + 3600_000).toISOString();
  const role = 'pushgate-collector-role';

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = (req.url ?? '').split('?')[0];
    const answer = (source: string, status: number, type: string, text: string) => {
      endpoints.requests.push(`${source} ${status}`);
      res.writeHead(status, { 'content-type': type });
      res.end(text);
    };

    if (req.method === 'GET' && path === '/container-credentials') {
      if (req.headers.authorization !== endpoints.containerToken)
        return answer('container', 401, 'text/plain', 'unauthorized');
      const c = endpoints.container;
      return answer(
        'container',
        200,
        'application/json',
        JSON.stringify({
          AccessKeyId: c.accessKeyId,
          SecretAccessKey: c.secretAccessKey,
          Token: c.sessionToken,
          Expiration: expiration(),
        }),
      );
    }

    if (path === '/latest/api/token' && req.method === 'PUT') {
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds'])
        return answer('imds', 400, 'text/plain', 'missing TTL header');
      const token = randomUUID();
      imdsTokens.add(token);
      return answer('imds', 200, 'text/plain', token);
    }
    if (path?.startsWith('/latest/meta-data/iam/security-credentials')) {
      if (!imdsTokens.has(String(req.headers['x-aws-ec2-metadata-token'])))
        return answer('imds', 401, 'text/plain', 'unauthorized');
      if (path.replace(/\/$/, '') === '/latest/meta-data/iam/security-credentials')
        return answer('imds', 200, 'text/plain', role);
      if (path === `/latest/meta-data/iam/security-credentials/${role}`) {
        const c = endpoints.instance;
        return answer(
          'imds',
          200,
          'application/json',
          JSON.stringify({
            Code: 'Success',
            Type: 'AWS-HMAC',
            AccessKeyId: c.accessKeyId,
            SecretAccessKey: c.secretAccessKey,
            Token: c.sessionToken,
            Expiration: expiration(),
            LastUpdated: new Date().toISOString(),
          }),
        );
      }
    }

    if (req.method === 'POST' && path === '/') {
      const form = new URLSearchParams(body);
      if (form.get('Action') !== 'AssumeRoleWithWebIdentity')
        return answer('sts', 400, 'text/xml', stsError('InvalidAction', 'unsupported action'));
      if (form.get('WebIdentityToken') !== endpoints.webIdentityToken)
        return answer(
          'sts',
          400,
          'text/xml',
          stsError('InvalidIdentityToken', 'Couldn\u0027t retrieve verification key'),
        );
      if (form.get('RoleArn') !== endpoints.roleArn)
        return answer('sts', 403, 'text/xml', stsError('AccessDenied', 'Not authorized'));
      const c = endpoints.webIdentity;
      return answer(
        'sts',
        200,
        'text/xml',
        `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>${c.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${c.secretAccessKey}</SecretAccessKey>
      <SessionToken>${c.sessionToken}</SessionToken>
      <Expiration>${expiration()}</Expiration>
    </Credentials>
    <SubjectFromWebIdentityToken>system:serviceaccount:monitoring:collector</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/pushgate-collector/${form.get('RoleSessionName') ?? 'session'}</Arn>
      <AssumedRoleId>AROAEXAMPLE:${form.get('RoleSessionName') ?? 'session'}</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`,
      );
    }
    return answer('unknown', 404, 'text/plain', `no such endpoint: ${req.method} ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ...endpoints,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function stsError(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
