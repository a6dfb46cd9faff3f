import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STANDIN_AWS } from '../../dev/simulators/secretsManager';

/**
 * The AWS SDK's credential chain with only the stand-ins' key in the environment: no profile,
 * no session token, and a HOME of its own, so no ~/.aws file of the machine's is read.
 */
export function standinAwsEnv(): Record<string, string | undefined> {
  return {
    HOME: mkdtempSync(join(tmpdir(), 'aws-home-')),
    AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: STANDIN_AWS.region,
  };
}
