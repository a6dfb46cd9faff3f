import { createHash, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPath, GRAPHITE_CARBON, WHISPER_FETCH } from './debianBinaries';
import { freePort } from './local/ports';
import { processOutput, spawnBinary, stopProcess } from './local/processes';

/**
 * The real carbon-cache (Debian's graphite-carbon) on free loopback ports, storing whisper
 * files in a directory of its own, with tags on and every point kept at 1 s resolution. What
 * it stored is read back with whisper's own `whisper-fetch`.
 */
export class RealCarbon {
  private constructor(
    private readonly child: ReturnType<typeof spawnBinary>,
    readonly dataDir: string,
    readonly linePort: number,
  ) {}

  /** `host:port` of its plaintext line receiver. */
  get address(): string {
    return `127.0.0.1:${this.linePort}`;
  }

  /** In a new directory under `parent` (npm start: its data dir; tests: the system's tmp). */
  static async start(parent = tmpdir()): Promise<RealCarbon> {
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, 'carbon-'));
    const dataDir = join(dir, 'whisper');
    for (const sub of ['conf', 'log', 'pid', 'whisper']) mkdirSync(join(dir, sub));
    const [linePort, picklePort, queryPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    writeFileSync(
      join(dir, 'conf', 'carbon.conf'),
      [
        '[cache]',
        `STORAGE_DIR = ${dir}/`,
        `LOCAL_DATA_DIR = ${dataDir}/`,
        `CONF_DIR = ${dir}/conf/`,
        `LOG_DIR = ${dir}/log/`,
        `PID_DIR = ${dir}/pid/`,
        'DATABASE = whisper',
        'MAX_CACHE_SIZE = inf',
        'MAX_UPDATES_PER_SECOND = 100000',
        'MAX_CREATES_PER_MINUTE = inf',
        'LINE_RECEIVER_INTERFACE = 127.0.0.1',
        `LINE_RECEIVER_PORT = ${linePort}`,
        'ENABLE_UDP_LISTENER = False',
        'PICKLE_RECEIVER_INTERFACE = 127.0.0.1',
        `PICKLE_RECEIVER_PORT = ${picklePort}`,
        'CACHE_QUERY_INTERFACE = 127.0.0.1',
        `CACHE_QUERY_PORT = ${queryPort}`,
        'WHISPER_AUTOFLUSH = True',
        'ENABLE_TAGS = True',
        // No graphite-web here: tag registration fails (logged), the points are stored anyway.
        'TAGDB_URL = http://127.0.0.1:9',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'conf', 'storage-schemas.conf'),
      '[default]\npattern = .*\nretentions = 1s:1d\n',
    );
    const child = spawnBinary(GRAPHITE_CARBON, [
      `--config=${join(dir, 'conf', 'carbon.conf')}`,
      '--nodaemon',
      'start',
    ]);
    const carbon = new RealCarbon(child, dataDir, linePort);
    await carbon.waitUntilOurs();
    return carbon;
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }

  /**
   * The points of a tagged series in [fromSeconds, untilSeconds], as whisper-fetch reads its
   * file: Carbon stores a tagged series under `_tagged/`, named by the SHA-256 of its name with
   * the tags sorted.
   */
  fetch(
    name: string,
    tags: Record<string, string>,
    fromSeconds: number,
    untilSeconds: number,
  ): Array<{ timestampSeconds: number; value: number }> {
    const path = this.taggedPath(name, tags);
    if (!existsSync(path)) return [];
    const out = execFileSync(
      binaryPath(WHISPER_FETCH),
      ['--json', `--from=${fromSeconds - 1}`, `--until=${untilSeconds}`, path],
      { encoding: 'utf8' },
    );
    const { start, step, values } = JSON.parse(out) as {
      start: number;
      step: number;
      values: Array<number | null>;
    };
    return values.flatMap((value, i) =>
      value === null ? [] : [{ timestampSeconds: start + i * step, value }],
    );
  }

  taggedPath(name: string, tags: Record<string, string>): string {
    const canonical = [
      name,
      ...Object.entries(tags)
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
    ].join(';');
    const hash = createHash('sha256').update(canonical).digest('hex');
    return join(this.dataDir, '_tagged', hash.slice(0, 3), hash.slice(3, 6), `${hash}.wsp`);
  }

  /**
   * Ready when a probe line sent to the port lands in *our* data directory: another process on
   * the port could never pass for this one.
   */
  private async waitUntilOurs(timeoutMs = 30_000): Promise<void> {
    const probe = `pushgate_probe;run=${randomUUID()}`;
    const [name = '', tag = ''] = probe.split(';');
    const [tagName = '', tagValue = ''] = tag.split('=');
    const path = this.taggedPath(name, { [tagName]: tagValue });
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.child.exitCode !== null)
        throw new Error(
          `carbon-cache exited with code ${this.child.exitCode}:\n${processOutput(this.child)}`,
        );
      if (existsSync(path)) return;
      await sendLine(this.linePort, `${probe} 1 ${Math.floor(Date.now() / 1000)}`).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await this.stop();
    throw new Error(
      `carbon-cache did not store a probe within ${timeoutMs} ms:\n${processOutput(this.child)}`,
    );
  }
}

function sendLine(port: number, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', reject);
    socket.once('close', () => resolve());
    socket.end(`${line}\n`);
  });
}
