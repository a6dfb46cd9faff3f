import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { signV4 } from '../../../src/aws/sigv4';

/** Our SigV4 against the AWS SDK's own signer, on the same request, time and credentials. */
describe('SigV4 signer', () => {
  it('matches @smithy/signature-v4 byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          accessKeyId: fc.stringMatching(/^AKIA[A-Z0-9]{16}$/),
          secretAccessKey: fc.base64String({ minLength: 20, maxLength: 40 }),
          sessionToken: fc.option(fc.base64String({ minLength: 20, maxLength: 80 }), {
            nil: undefined,
          }),
        }),
        fc.constantFrom('eu-central-1', 'us-east-1', 'ap-southeast-2'),
        fc.constantFrom(
          'https://secretsmanager.eu-central-1.amazonaws.com/',
          'http://127.0.0.1:4566/',
          'https://vpce-123.secretsmanager.eu-central-1.vpce.amazonaws.com/prefix',
        ),
        fc.json(),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }),
        async (credentials, region, endpoint, body, now) => {
          const url = new URL(endpoint);
          const headers = {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'secretsmanager.GetSecretValue',
          };
          const ours = signV4(
            { method: 'POST', url, headers, body, region, service: 'secretsmanager', now },
            credentials,
          );
          const reference = await new SignatureV4({
            credentials,
            region,
            service: 'secretsmanager',
            sha256: Sha256,
            // As the SDK's Secrets Manager client: only S3 signs a payload-hash header.
            applyChecksum: false,
          }).sign(
            {
              method: 'POST',
              protocol: url.protocol,
              hostname: url.hostname,
              ...(url.port ? { port: Number(url.port) } : {}),
              path: url.pathname,
              headers: { ...headers, host: url.host },
              body,
              query: {},
            },
            { signingDate: now },
          );
          expect(ours.authorization).toBe(reference.headers.authorization);
          expect(ours['x-amz-date']).toBe(reference.headers['x-amz-date']);
          expect(ours['x-amz-security-token']).toBe(reference.headers['x-amz-security-token']);
        },
      ),
      { numRuns: 300 },
    );
  });
});
