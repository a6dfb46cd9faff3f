import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { RealPushgateway } from '../../dev/realPushgateway';
import { runProcess } from '../helpers/runProcess';

/**
 * A warm Lambda container reused for hundreds of invocations must not grow: same heap after
 * garbage collection (within a small allowance for lazily built caches) and the same number
 * of open handles (sockets, timers). Memory is measured, not time.
 */
let pushgateway: RealPushgateway;
let akamai: EstatsSimulator;
let edgercPath: string;
beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  ({ akamai, edgercPath } = await startAkamaiStandin());
});
afterAll(async () => {
  await pushgateway?.stop();
  await akamai?.stop();
});

it('does not grow in memory or handles over 300 warm invocations of both collectors', async () => {
  const { code, stderr } = await runProcess(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'test/fixtures/warm-invocations.ts', '300'],
    {
      PUSHGATEWAY_URL: pushgateway.url,
      AKAMAI_EDGERC: edgercPath,
      AKAMAI_EDGERC_SECTION: 'standin',
      AKAMAI_SECRET_ID: '',
      ESTATS_MIN_INTERVAL_MS: '0',
      LOG_LEVEL: 'error',
    },
  );
  expect(code === 0 ? 'exit code 0' : stderr).toBe('exit code 0');
  const report = JSON.parse(stderr.trim().split('\n').pop() ?? '{}') as {
    before: { heapUsed: number; handles: number };
    after: { heapUsed: number; handles: number };
  };
  const growthMiB = (report.after.heapUsed - report.before.heapUsed) / 2 ** 20;
  process.stdout.write(
    `warm container: heap ${(report.before.heapUsed / 2 ** 20).toFixed(1)} → ${(report.after.heapUsed / 2 ** 20).toFixed(1)} MiB after 270 more invocations; handles ${report.before.handles} → ${report.after.handles}\n`,
  );
  expect(growthMiB).toBeLessThan(3);
  expect(report.after.handles).toBeLessThanOrEqual(report.before.handles + 2);
}, 240_000);
