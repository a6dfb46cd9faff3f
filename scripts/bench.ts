/** `npm run bench`: install the Pushgateway if missing, then run bench/run.ts. */
import { parseCommandLine } from '../dev/cli';
import { ensureDebianBinaries, PROMETHEUS, PUSHGATEWAY } from '../dev/debianBinaries';

const HELP = `Usage: [BENCH_…=…] npm run bench

Measures speed and memory against the real Pushgateway (and Prometheus, VictoriaMetrics,
Carbon where a case needs them), each figure a ratio to a baseline measured in the same run
(docs/performance.md says how to read them). Writes bench/results.json and the SVG charts of
docs/ on a full run.

Environment:
  BENCH_ONLY             run only these cases, comma-separated (push, synthetic,
                         pushgateways, janitor, bundles, coldstart, firstpush, rss, scale,
                         rules, scrape, scrapememory, traffic, estats); bench/results.json
                         is then left as it is
  BENCH_RUNS             timed runs per case (default 7; the median and min-max are reported)
  BENCH_SIZES            series per push of the push cases (default 100,1000,10000,100000)
  BENCH_SCALE_DEVICES    synthetic fleet sizes of the scale case (default 10,50,200,500)
  BENCH_SCALE_RUNS       runs per fleet size of the scale case (default 3)
  BENCH_ESTATS_TARGETS   targets per eStats run of the estats case (default 10,40,80,200)
  BENCH_ESTATS_CLIENTS   API clients of the estats case (default 1,3)
  BENCH_ESTATS_OVERLAP   targets per schedule when 2 and 3 schedules share a client and
                         fire together, in the estats case (default 10,25,40)
  BENCH_ESTATS_REPEAT    repetitions of each of those (default 3; median and worst reported)
  BENCH_TRAFFIC_CP_CODES CP codes of the traffic case's run after a 6 h outage (default 300)
  BENCH_TRAFFIC_REPEAT   repetitions of that run per sizing (default 3)

Options:
  -h, --help             show this help
  -V, --version          print the version
`;

parseCommandLine(HELP, {});

try {
  ensureDebianBinaries([PUSHGATEWAY, PROMETHEUS], (line) =>
    process.stderr.write(`[bench] ${line}\n`),
  );
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
// Loaded only after the binary check: bench/run starts measuring as soon as it is evaluated.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../bench/run');
