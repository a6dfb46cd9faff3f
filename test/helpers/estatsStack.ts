import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EstatsSimulator, startEstatsSimulator } from '../../dev/simulators/akamai/server';
import { testTls } from './testCa';

/** Credentials the Akamai stand-in knows (a fake API client). */
export const STANDIN_CLIENT = {
  clientToken: 'akab-standin-client-token-0001',
  accessToken: 'akab-standin-access-token-0001',
  clientSecret: 'U3RhbmRpbkNsaWVudFNlY3JldDAwMDAwMDAwMDAwMDA=',
};

/** Start the HTTPS eStats stand-in and write an .edgerc pointing at it. */
export async function startAkamaiStandin(
  options: { rateLimitPerMinute?: number; now?: () => number } = {},
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
    ]),
    rateLimitPerMinute: options.rateLimitPerMinute ?? 1000,
    ...(options.now ? { now: options.now } : {}),
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
      '[incomplete]',
      `host = ${akamai.host}`,
      `client_token = ${STANDIN_CLIENT.clientToken}`,
      '',
    ].join('\n'),
  );
  return { akamai, edgercPath };
}

/** Set env variables (`undefined` deletes one); returns the function that restores them. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  };
  apply(vars);
  return () => apply(saved);
}

/** Run `fn` with env variables set, restoring the previous values afterwards. */
export async function withEnv<T>(
  vars: Record<string, string | undefined>,
  fn: () => Promise<T>,
): Promise<T> {
  const restore = setEnv(vars);
  try {
    return await fn();
  } finally {
    restore();
  }
}

/** Capture everything written to stdout (our structured logs) while `fn` runs. */
export async function captureStdout<T>(
  fn: () => Promise<T>,
): Promise<{ result: T | undefined; error: unknown; lines: string[] }> {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await fn(), error: undefined, lines };
  } catch (error) {
    return { result: undefined, error, lines };
  } finally {
    process.stdout.write = original;
  }
}
