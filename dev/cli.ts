import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PRODUCT_NAME } from '../src/constants';

/**
 * The command line of one of our scripts, parsed with node's parseArgs. `-h`/`--help` prints
 * the usage and exits 0, `-V`/`--version` the product's version (package.json); an unknown flag, a missing value or a stray argument prints what is
 * wrong and the usage, and exits 2 (a usage error), never a stack trace.
 */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(
  usage: string,
  options: T,
  args: string[] = process.argv.slice(2),
): ReturnType<typeof parseArgs<{ options: T; args: string[]; strict: true }>>['values'] {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(usage);
    process.exit(0);
  }
  if (args.includes('-V') || args.includes('--version')) {
    process.stdout.write(`${PRODUCT_NAME} ${productVersion()}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ options, args, strict: true }).values;
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    process.stderr.write(`error: ${message}\n\n${usage}`);
    process.exit(2);
  }
}

/** The version in package.json: the one `npm version` sets and a release is tagged with. */
function productVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}
