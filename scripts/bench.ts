/** `npm run bench`: install the Pushgateway if missing, then run bench/run.ts. */
import { ensureDebianBinaries, PROMETHEUS, PUSHGATEWAY } from '../dev/debianBinaries';

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
