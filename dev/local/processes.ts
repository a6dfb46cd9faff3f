import { type ChildProcess, spawn } from 'node:child_process';
import { binaryPath, type DebianBinary } from '../debianBinaries';
import { freePort } from './ports';

/**
 * Start a real binary; fail loudly (naming the Debian package) when it is not installed.
 * `npm test` and `npm start` install the packages first (as root on Debian/Ubuntu).
 */
export function spawnBinary(tool: DebianBinary, args: string[]): ChildProcess {
  const child = spawn(binaryPath(tool), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  (child as ChildProcess & { output: string[] }).output = output;
  return child;
}

export function processOutput(child: ChildProcess): string {
  return ((child as ChildProcess & { output?: string[] }).output ?? []).join('');
}

/**
 * Poll `url` until it answers 200 *from our process*: `isOurs` asks the binary something only
 * our instance would answer (a flag value we gave it), so another instance that already held
 * the port can never pass for ours. Throws with the process output otherwise.
 */
export async function waitUntilReady(
  url: string,
  child: ChildProcess,
  what: string,
  isOurs: () => Promise<boolean>,
  timeoutMs = 15_000,
  headers: Record<string, string> = {},
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) {
      throw new Error(`${what} exited with code ${child.exitCode}:\n${processOutput(child)}`);
    }
    try {
      const res = await fetch(url, { headers });
      if (res.ok && (await isOurs())) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(
    `${what} was not ready at ${url} within ${timeoutMs} ms:\n${processOutput(child)}`,
  );
}

/** Start a binary on a fresh port, trying again when the port was taken meanwhile. */
export async function startOnFreePort<T>(
  start: (port: number) => Promise<T>,
  what: string,
): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      lastError = error;
      if (!/address already in use|not ready at/.test(String(error))) throw error;
    }
  }
  throw new Error(`${what}: could not start on a free port: ${String(lastError)}`);
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
