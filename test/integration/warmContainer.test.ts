import { runProcess } from '../helpers/runProcess';
import { useEstatsStack } from '../helpers/estatsStack';

/**
 * A warm Lambda container reused for hundreds of invocations must not grow: same heap after
 * garbage collection (within a small allowance for lazily built caches) and the same number
 * of open handles (sockets, timers). Memory is measured, not time.
 */
const stack = useEstatsStack();

it('does not grow in memory or handles over 300 warm invocations of both collectors', async () => {
  const { code, stderr } = await runProcess(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'test/fixtures/warm-invocations.ts', '300'],
    {
      PUSHGATEWAY_URL: stack.pushgateway.url,
      AKAMAI_EDGERC: stack.edgercPath,
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
