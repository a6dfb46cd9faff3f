/**
 * bench/estatsScale.ts in a process of its own: the Akamai stand-in speaks HTTPS with the
 * test CA, which Node trusts only through NODE_EXTRA_CA_CERTS at start. Argument: the
 * Pushgateway's URL; env BENCH_ESTATS_TARGETS, BENCH_ESTATS_CLIENTS. Prints the points as JSON.
 */
import { measureEstatsScale } from './estatsScale';

const sizes = (process.env.BENCH_ESTATS_TARGETS ?? '10,40,80,200').split(',').map(Number);
const clients = (process.env.BENCH_ESTATS_CLIENTS ?? '1,3').split(',').map(Number);

measureEstatsScale(sizes, clients, process.argv[2] ?? '', (line) =>
  process.stderr.write(`  ${line}\n`),
).then(
  (points) => process.stdout.write(JSON.stringify(points)),
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
