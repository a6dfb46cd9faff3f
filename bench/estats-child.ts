/**
 * bench/estatsScale.ts in a process of its own: the Akamai stand-in speaks HTTPS with the
 * test CA, which Node trusts only through NODE_EXTRA_CA_CERTS at start. Argument: the
 * Pushgateway's URL; env BENCH_ESTATS_TARGETS, BENCH_ESTATS_CLIENTS, BENCH_ESTATS_OVERLAP,
 * BENCH_ESTATS_REPEAT. Prints the points of both measures as JSON.
 */
import { measureEstatsScale, measureOverlap } from './estatsScale';

const sizes = (process.env.BENCH_ESTATS_TARGETS ?? '10,40,80,200').split(',').map(Number);
const clients = (process.env.BENCH_ESTATS_CLIENTS ?? '1,3').split(',').map(Number);
const overlap = (process.env.BENCH_ESTATS_OVERLAP ?? '10,25,40').split(',').map(Number);
const repeat = Number(process.env.BENCH_ESTATS_REPEAT ?? '3');
const progress = (line: string) => process.stderr.write(`  ${line}\n`);
const pushgateway = process.argv[2] ?? '';

(async () => ({
  scale: await measureEstatsScale(sizes, clients, pushgateway, progress),
  overlap: await measureOverlap([2, 3], overlap, repeat, pushgateway, progress),
}))().then(
  (points) => process.stdout.write(JSON.stringify(points)),
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
