import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TINYPROXY } from './debianBinaries';
import { processOutput, spawnBinary, startOnFreePort, stopProcess } from './local/processes';

/**
 * The real tinyproxy (Debian's), a forward proxy on a free loopback port: HTTPS goes through
 * it as a CONNECT tunnel, plain HTTP as a proxied request with the absolute URL. Its log (at
 * level Connect) names every request it handled, so a test can see what went through it.
 */
export class RealTinyproxy {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly logFile: string,
  ) {}

  static start(): Promise<RealTinyproxy> {
    return startOnFreePort(async (port) => {
      const dir = mkdtempSync(join(tmpdir(), 'tinyproxy-'));
      const logFile = join(dir, 'tinyproxy.log');
      const config = join(dir, 'tinyproxy.conf');
      // No ConnectPort line: CONNECT to any port (the stand-ins listen on random ones).
      writeFileSync(
        config,
        [
          `Port ${port}`,
          'Listen 127.0.0.1',
          'Timeout 30',
          `LogFile "${logFile}"`,
          'LogLevel Connect',
          'MaxClients 50',
          'Allow 127.0.0.1',
          'DisableViaHeader Yes',
          '',
        ].join('\n'),
      );
      // -d: stay in the foreground, as a child we can stop.
      const child = spawnBinary(TINYPROXY, ['-d', '-c', config]);
      await waitForPort(port, child);
      return new RealTinyproxy(`http://127.0.0.1:${port}`, child, logFile);
    }, 'tinyproxy');
  }

  /** The lines of its log that record a request: `CONNECT host:port` and `GET http://…`. */
  requests(): string[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .flatMap((line) => {
        const match = /Request \(file descriptor \d+\): (\S+ \S+)/.exec(line);
        return match?.[1] ? [match[1]] : [];
      });
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    if (child.exitCode !== null)
      throw new Error(`tinyproxy exited with code ${child.exitCode}:\n${processOutput(child)}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(
    `tinyproxy was not ready at 127.0.0.1:${port} within 10 s:\n${processOutput(child)}`,
  );
}
