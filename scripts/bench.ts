/** `npm run bench`: install the Pushgateway if missing, then run bench/run.ts. */
import { ensureDebianBinaries, PUSHGATEWAY } from './lib/debianBinaries';

try {
  ensureDebianBinaries([PUSHGATEWAY], (line) => process.stderr.write(`[bench] ${line}\n`));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
void import('../bench/run');
