import type { RemoteWriteClientOptions } from './client';

type SignatureV4Module = typeof import('@smithy/signature-v4');
type Sha256Module = typeof import('@aws-crypto/sha256-js');
type CredentialProviderModule = typeof import('@aws-sdk/credential-provider-node');

/**
 * Amazon Managed Service for Prometheus takes remote writes signed with SigV4 for service
 * `aps`. The AWS SDK's own signer signs, with the SDK's credential chain (the function's role
 * in Lambda; locally env, `AWS_PROFILE`, SSO, `credential_process`, web identity, containers,
 * IMDS). Loaded at the first signature, not with the bundle: only stages that sign pay for it.
 */
export function sigv4Signer(region: string, service = 'aps'): RemoteWriteClientOptions['sign'] {
  let signer: InstanceType<SignatureV4Module['SignatureV4']> | undefined;
  return async ({ method, url, headers, body }) => {
    if (!signer) {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { SignatureV4 } = require('@smithy/signature-v4') as SignatureV4Module;
      const { Sha256 } = require('@aws-crypto/sha256-js') as Sha256Module;
      const { defaultProvider } =
        require('@aws-sdk/credential-provider-node') as CredentialProviderModule;
      /* eslint-enable @typescript-eslint/no-require-imports */
      signer = new SignatureV4({ credentials: defaultProvider(), region, service, sha256: Sha256 });
    }
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...headers, host: url.host },
      body,
    });
    return signed.headers;
  };
}
