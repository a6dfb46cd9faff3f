import { STANDIN_AWS } from '../../dev/simulators/secretsManager';
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

/** The environment of collectors that remote-write to `receiverUrl`, reading the Akamai stand-in. */
export function remoteWriteEnv(
  receiverUrl: string,
  edgercPath: string,
): Record<string, string | undefined> {
  return {
    SINKS: 'remote-write',
    REMOTE_WRITE_URL: `${receiverUrl}/api/v1/write`,
    AKAMAI_EDGERC: edgercPath,
    AKAMAI_EDGERC_SECTION: 'standin',
    AKAMAI_SECRET_ID: undefined,
    ESTATS_MIN_INTERVAL_MS: '0',
    LOG_LEVEL: 'error',
  };
}

/** The AWS SDK pointed at the S3 stand-in, signing with the stand-in's credentials. */
export function s3StandinEnv(endpoint: string): Record<string, string | undefined> {
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: STANDIN_AWS.region,
  };
}
