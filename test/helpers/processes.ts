import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

/**
 * Start a real binary; fail loudly (naming the Debian package) when it is not installed.
 * `npm test` installs the packages first, so this only trips when jest is run by hand.
 */
export function spawnBinary(binary: string, debianPackage: string, args: string[]): ChildProcess {
  if (spawnSync('sh', ['-c', `command -v ${binary}`]).status !== 0) {
    throw new Error(
      `${binary} is not installed: run the tests with "npm test" (it installs the Debian package ${debianPackage}) or apt-get install ${debianPackage}`,
    );
  }
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  (child as ChildProcess & { output: string[] }).output = output;
  return child;
}

export function processOutput(child: ChildProcess): string {
  return ((child as ChildProcess & { output?: string[] }).output ?? []).join('');
}

/** Poll `url` until it answers 200, or throw with the process output. */
export async function waitUntilReady(
  url: string,
  child: ChildProcess,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) {
      throw new Error(`${what} exited with code ${child.exitCode}:\n${processOutput(child)}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) {
        // Still alive a moment later: the answer came from our process, not from another one
        // that already held the port (ours would have exited on "address already in use").
        await new Promise((resolve) => setTimeout(resolve, 150));
        if (child.exitCode === null) return;
        continue;
      }
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
