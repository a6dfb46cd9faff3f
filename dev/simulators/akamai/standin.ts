import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testTls } from '../tls';
import { LOCAL_ACCOUNT } from './localAccount';
import { type EstatsSimulator, type EstatsSimulatorOptions, startEstatsSimulator } from './server';

/** Credentials the Akamai stand-in knows (a fake API client). */
export const STANDIN_CLIENT = {
  clientToken: 'akab-standin-client-token-0001',
  accessToken: 'akab-standin-access-token-0001',
  clientSecret: 'U3RhbmRpbkNsaWVudFNlY3JldDAwMDAwMDAwMDAwMDA=',
};

/** A second API client the stand-in knows, granted no API but eStats (`[no-grant]`). */
export const NO_GRANT_CLIENT = {
  clientToken: 'akab-standin-client-token-0002',
  accessToken: 'akab-standin-access-token-0002',
  clientSecret: 'U3RhbmRpbkNsaWVudFNlY3JldDAwMDAwMDAwMDAwMDI=',
};

/** The account the `.edgerc` section `partner` switches to (its `account_key`). */
export const PARTNER_ACCOUNT_KEY = 'B-1-PARTNER';

/**
 * Start the HTTPS eStats stand-in and write an .edgerc pointing at it. It also serves the
 * CP-code list (`cprg`, by default the simulated account of npm start), to STANDIN_CLIENT only.
 */
export async function startAkamaiStandin(
  options: {
    rateLimitPerMinute?: number;
    now?: () => number;
    cprg?: Pick<NonNullable<EstatsSimulatorOptions['cprg']>, 'accounts'>;
    /** The Reporting API's limits (its accounts are `cprg`'s). */
    reporting?: EstatsSimulatorOptions['reporting'];
  } = {},
): Promise<{
  akamai: EstatsSimulator;
  edgercPath: string;
}> {
  const akamai = await startEstatsSimulator({
    tls: testTls(),
    clients: new Map([
      [
        STANDIN_CLIENT.clientToken,
        { clientSecret: STANDIN_CLIENT.clientSecret, accessToken: STANDIN_CLIENT.accessToken },
      ],
      [
        NO_GRANT_CLIENT.clientToken,
        { clientSecret: NO_GRANT_CLIENT.clientSecret, accessToken: NO_GRANT_CLIENT.accessToken },
      ],
    ]),
    cprg: {
      accounts: options.cprg?.accounts ?? new Map([['', LOCAL_ACCOUNT]]),
      grantedClients: new Set([STANDIN_CLIENT.clientToken]),
    },
    rateLimitPerMinute: options.rateLimitPerMinute ?? 1000,
    ...(options.now ? { now: options.now } : {}),
    ...(options.reporting ? { reporting: options.reporting } : {}),
  });
  const edgercPath = join(mkdtempSync(join(tmpdir(), 'edgerc-')), '.edgerc');
  writeFileSync(
    edgercPath,
    [
      '[standin]',
      `client_secret = ${STANDIN_CLIENT.clientSecret}`,
      `host = ${akamai.host}`,
      `access_token = ${STANDIN_CLIENT.accessToken}`,
      `client_token = ${STANDIN_CLIENT.clientToken}`,
      '',
      '[wrong-secret]',
      'client_secret = V3JvbmdXcm9uZ1dyb25nV3JvbmdXcm9uZ1dyb25nMDA=',
      `host = ${akamai.host}`,
      `access_token = ${STANDIN_CLIENT.accessToken}`,
      `client_token = ${STANDIN_CLIENT.clientToken}`,
      '',
      // A partner client's section: its account_key is the account its requests switch to.
      '[partner]',
      `client_secret = ${STANDIN_CLIENT.clientSecret}`,
      `host = ${akamai.host}`,
      `access_token = ${STANDIN_CLIENT.accessToken}`,
      `client_token = ${STANDIN_CLIENT.clientToken}`,
      `account_key = ${PARTNER_ACCOUNT_KEY}`,
      '',
      '[no-grant]',
      `client_secret = ${NO_GRANT_CLIENT.clientSecret}`,
      `host = ${akamai.host}`,
      `access_token = ${NO_GRANT_CLIENT.accessToken}`,
      `client_token = ${NO_GRANT_CLIENT.clientToken}`,
      '',
      '[incomplete]',
      `host = ${akamai.host}`,
      `client_token = ${STANDIN_CLIENT.clientToken}`,
      '',
    ].join('\n'),
  );
  return { akamai, edgercPath };
}
