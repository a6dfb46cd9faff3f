/**
 * Secrets given by ARN, as the console and `aws secretsmanager describe-secret` show them:
 * read in the ARN's region, whatever region the function runs in, found whole or partial, by
 * a regional Secrets Manager stand-in that refuses a request signed for another region.
 */
import { getJsonSecret, resetSecretsForTests } from '../../src/aws/secrets';
import { NO_DEADLINE } from '../../src/shared/deadline';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../dev/simulators/secretsManager';
import { withEnv } from '../helpers/env';

let elsewhere: SecretsManagerStandin;
beforeAll(async () => {
  elsewhere = await startSecretsManagerStandin({ region: 'eu-west-2' });
  elsewhere.secrets.set('retail-edgegrid', '{"client_token":"t"}');
});
afterAll(async () => {
  await elsewhere?.stop();
});
beforeEach(() => resetSecretsForTests());

/** The function runs in STANDIN_AWS.region; the stand-in serves eu-west-2 only. */
const read = (secretId: string) =>
  withEnv(
    {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: elsewhere.endpoint,
      AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
      AWS_SESSION_TOKEN: undefined,
      AWS_REGION: STANDIN_AWS.region,
    },
    () => getJsonSecret(secretId, { ttlMs: 0, deadline: NO_DEADLINE }),
  );

it.each([
  ['complete', 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:retail-edgegrid-Ab12Cd'],
  ['partial', 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:retail-edgegrid'],
])("reads a secret by its %s ARN in the ARN's region, not the function's", async (_form, arn) => {
  expect(await read(arn)).toEqual({ client_token: 't' });
  expect(elsewhere.calls.at(-1)).toMatchObject({ secretId: arn, status: 200 });
});

it("reads a secret by name in the function's own region: the other region's endpoint refuses it", async () => {
  await expect(read('retail-edgegrid')).rejects.toThrow(
    'Credential should be scoped to a valid region',
  );
});
