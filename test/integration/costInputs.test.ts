import { ESTATS_RUN_FIGURES } from '../../src/deploy/stage/collectors/estatsBudget';
import { SYNTHETIC_RUN_FIGURES } from '../../src/deploy/stage/collectors/synthetic';
import { RUN_FIGURES } from '../../src/deploy/cost/runFigures';
import { handler } from '../../src/handlers/estats';
import { captureStdout, withEnv } from '../helpers/env';
import { runSyntheticTick } from '../helpers/handlers';
import { standinRunEnv, useEstatsStack } from '../helpers/estatsStack';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * The cost estimate's per-run figures (each collector's row, src/deploy/stage/collectors/) against real runs: the
 * handlers' own log lines, and the samples the real Pushgateway then holds. A change that
 * makes runs log or push a quarter more or less fails here, so the estimate follows it.
 */
const stack = useEstatsStack();

/** Samples the Pushgateway holds of the collectors' groups (not its own series). */
async function pushedSamples(): Promise<number> {
  const text = await stack.pushgateway.scrape();
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .filter(
      (line) =>
        !/^(push_time_seconds|push_failure_time_seconds|pushgateway_|go_|process_|promhttp_)/.test(
          line,
        ),
    ).length;
}

const bytesOf = (lines: readonly string[]) =>
  lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);

/** Within a quarter of the measured figure. */
function expectNear(modelled: number, measured: number): void {
  expect(measured).toBeGreaterThan(0);
  expect(Math.abs(modelled - measured) / measured).toBeLessThanOrEqual(0.25);
}

beforeEach(() => stack.pushgateway.wipe());

it.each([1, 20])(
  'an eStats run of %i targets logs and pushes what the estimate counts',
  async (count) => {
    const targets = Array.from({ length: count }, (_, i) => ({ cpCode: 424242 + i }));
    const env = { ...standinRunEnv(stack), LOG_LEVEL: 'info' };
    const run = await withEnv(env, () =>
      captureStdout(() => handler({ name: 'main', targets }, lambdaContext(60_000))),
    );
    expect(run.error).toBeUndefined();
    const figures = ESTATS_RUN_FIGURES;
    expectNear(figures.logBytesPerRun + figures.logBytesPerClient, bytesOf(run.lines));
    expectNear(
      RUN_FIGURES.healthGroupSamples + figures.samplesPerTarget * count,
      await pushedSamples(),
    );
  },
);

it.each([
  [1, 1],
  [10, 24],
])(
  'a synthetic run of %i devices × %i ports logs and pushes what the estimate counts',
  async (devices, ports) => {
    const run = await runSyntheticTick(
      { PUSHGATEWAY_URL: stack.pushgateway.url, LOG_LEVEL: 'info' },
      { deviceCount: devices, portsPerDevice: ports },
      1_800_000_000,
    );
    expect(run.error).toBeUndefined();
    const figures = SYNTHETIC_RUN_FIGURES;
    expectNear(figures.logBytesPerRun, bytesOf(run.lines));
    expectNear(
      RUN_FIGURES.healthGroupSamples + figures.samplesPerPort * devices * ports,
      await pushedSamples(),
    );
  },
);
