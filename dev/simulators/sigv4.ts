import type { IncomingMessage } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export type SigV4Check =
  | { ok: true; accessKeyId: string }
  | { ok: false; accessKeyId: string; type: string; message: string };

/**
 * What an AWS service checks of a SigV4-signed request, for the local stand-ins: the
 * Authorization header's shape, a known access key id, the credential scope (region and
 * service), and the signature itself, recomputed with @smithy/signature-v4 from that key's
 * secret over exactly the headers the client says it signed and the body.
 */
export async function verifySigV4(
  req: IncomingMessage,
  body: string | Uint8Array,
  expected: {
    keys: ReadonlyMap<string, string>;
    region: string;
    service: string;
    /** S3 signs the path as sent, without encoding it a second time (false there). */
    uriEscapePath?: boolean;
  },
): Promise<SigV4Check> {
  const match = (req.headers.authorization ?? '').match(
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/,
  );
  if (!match)
    return {
      ok: false,
      accessKeyId: '',
      type: 'IncompleteSignatureException',
      message: 'Authorization header missing or malformed',
    };
  const [, accessKeyId = '', , region, service, signedHeaders = '', signature] = match;
  const secretAccessKey = expected.keys.get(accessKeyId);
  if (secretAccessKey === undefined)
    return {
      ok: false,
      accessKeyId,
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  if (region !== expected.region || service !== expected.service)
    return {
      ok: false,
      accessKeyId,
      type: 'InvalidSignatureException',
      message: 'Credential should be scoped to a valid region and service.',
    };
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) headers[name] = String(req.headers[name] ?? '');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const date = new Date(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  const url = new URL(req.url ?? '/', 'http://standin');
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region: expected.region,
    service: expected.service,
    sha256: Sha256,
    // Verify exactly the headers the client signed: the signer must not add a payload hash
    // header of its own (the body's hash is in the signature either way).
    applyChecksum: false,
    uriEscapePath: expected.uriEscapePath ?? true,
  });
  const recomputed = await signer.sign(
    {
      method: req.method ?? 'POST',
      protocol: 'http:',
      hostname: String(req.headers.host).split(':')[0] ?? '',
      port: Number(String(req.headers.host).split(':')[1]),
      path: url.pathname,
      headers,
      body,
      query: Object.fromEntries(url.searchParams),
    },
    {
      signingDate: date,
      unsignableHeaders: new Set(),
      signableHeaders: new Set(Object.keys(headers)),
    },
  );
  if (String(recomputed.headers.authorization ?? '').split('Signature=')[1] !== signature)
    return {
      ok: false,
      accessKeyId,
      type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  return { ok: true, accessKeyId };
}
