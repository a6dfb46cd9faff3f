import type { EdgeGridSigner } from '../../src/akamai/edgegrid';
import type { SignedRequestParts } from '../../dev/simulators/akamai/edgegridVerifier';

/** A request signed by akamai-edgegrid, as the stand-in's verifier receives it. */
export function verifierParts(
  signed: ReturnType<EdgeGridSigner['signJsonPost']>,
  body: string,
): SignedRequestParts {
  return {
    method: 'POST',
    scheme: 'https',
    host: signed.url.host,
    pathWithQuery: signed.url.pathname + signed.url.search,
    body: Buffer.from(body),
    authorization: signed.headers.Authorization,
  };
}
