import type { SyntheticRunSummary } from '../../src/collectors/synthetic';
import { handler as syntheticHandler } from '../../src/handlers/synthetic';
import { captureStdout, withEnv } from './env';
import { lambdaContext } from './lambdaContext';

/** One run of the synthetic handler at `tickSeconds` with this environment, its log captured. */
export function runSyntheticTick(
  env: Record<string, string | undefined>,
  fleet: Record<string, unknown>,
  tickSeconds: number,
) {
  return withEnv(env, () =>
    captureStdout(
      () =>
        syntheticHandler(
          { time: new Date(tickSeconds * 1000).toISOString(), fleet },
          lambdaContext(30_000, 'synthetic'),
        ) as Promise<SyntheticRunSummary>,
    ),
  );
}
