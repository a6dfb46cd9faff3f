import { RealPushgateway } from '../../dev/realPushgateway';
import { runProcess } from '../helpers/runProcess';

/**
 * A fleet of 10,000+ series in one run, in a process whose heap is capped like a 256 MB
 * Lambda's, pushed in parallel device groups to the real Pushgateway: everything lands.
 */
let pushgateway: RealPushgateway;
beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
});
afterAll(() => pushgateway.stop());

it('pushes a 10,000+ series fleet completely within a 256 MB-class memory limit', async () => {
  const fleet = { name: 'scale', deviceCount: 90, portsPerDevice: 8 };
  const event = JSON.stringify({ time: '2026-11-20T18:00:00Z', fleet });
  // Lambda with 256 MB leaves well under 256 MB of heap; cap it below that.
  const { code, stderr } = await runProcess(
    process.execPath,
    ['--max-old-space-size=160', '--import', 'tsx', 'test/fixtures/invoke-synthetic.ts', event],
    { PUSHGATEWAY_URL: pushgateway.url, LOG_LEVEL: 'warn' },
  );
  expect(code === 0 ? 'exit code 0' : stderr).toBe('exit code 0');
  const report = JSON.parse(stderr.trim().split('\n').pop() ?? '{}') as {
    summary: { seriesPushed: number; devices: number };
    maxRssBytes: number;
  };
  expect(report.summary.devices).toBe(90);
  expect(report.summary.seriesPushed).toBeGreaterThanOrEqual(10_000);

  const groups = (await pushgateway.groups()).filter(
    (g) => g.labels.fleet === 'scale' && g.labels.device,
  );
  expect(groups).toHaveLength(90);
  const series = groups.reduce(
    (sum, g) =>
      sum +
      [...g.families.entries()]
        .filter(([name]) => name.startsWith('synthetic_'))
        .reduce((s, [, f]) => s + f.metrics.length, 0),
    0,
  );
  expect(series).toBe(report.summary.seriesPushed);
  // Memory is reported, not asserted as a threshold: the heap cap above is the limit.
  process.stdout.write(
    `synthetic 10k-series run: max RSS ${(report.maxRssBytes / 1024 / 1024).toFixed(0)} MB\n`,
  );
}, 120_000);
