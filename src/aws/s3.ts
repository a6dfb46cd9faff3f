import type { S3Client } from '@aws-sdk/client-s3';
import { transportAgents } from '../shared/http';

let client: S3Client | undefined;

/** The S3 client (the alerting export, the traffic collector's state), and the SDK's commands. */
export function s3(): { client: S3Client; sdk: typeof import('@aws-sdk/client-s3') } {
  // Lazy: only the functions that use S3 load its SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  // Our transport's agents: the same proxy settings as every other request (shared/http.ts).
  client ??= new sdk.S3Client({ requestHandler: transportAgents() });
  return { client, sdk };
}

/** For tests: forget the client (e.g. after changing the endpoint). */
export function resetS3ForTests(): void {
  client = undefined;
}
