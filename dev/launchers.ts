import { type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import {
  ALERTMANAGER,
  type DebianBinary,
  BLACKBOX_EXPORTER,
  NODE_EXPORTER,
  SNMP_EXPORTER,
  SNMPD,
  PROMETHEUS,
  PUSHGATEWAY,
  VICTORIA_METRICS,
  VMALERT,
} from './debianBinaries';
import { freePort } from './local/ports';
import {
  processOutput,
  spawnBinary,
  startOnFreePort,
  stopProcess,
  waitUntilReady,
} from './local/processes';

/**
 * The one launcher of each real binary, used by `npm start` (dev/local/stack.ts), the tests
 * and the bench. Each starts on loopback, on the port given or on a free one (trying again
 * when another process takes it meanwhile), and is ready only when the process answering
 * proves it is ours: it reports a flag value only this instance was given.
 */
export interface RunningBinary {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Start it again on the same port with the same data (e.g. after a simulated outage). */
  restart(): Promise<void>;
}

interface LaunchOptions {
  /** 0 or absent: any free port. */
  port?: number;
  args(port: number): string[];
  /** Asks the instance at `url` something only ours would answer. */
  isOurs(url: string, headers: Record<string, string>): Promise<boolean>;
  scheme?: 'http' | 'https';
  /** Sent with the readiness checks (e.g. basic auth of a web.config.file). */
  headers?: Record<string, string>;
  /** Where readiness is asked (default /-/ready; exporters have none). */
  readyPath?: string;
  readyTimeoutMs?: number;
}

async function launch(tool: DebianBinary, options: LaunchOptions): Promise<RunningBinary> {
  const scheme = options.scheme ?? 'http';
  const headers = options.headers ?? {};
  const startOn = async (port: number): Promise<RunningBinary> => {
    const url = `${scheme}://127.0.0.1:${port}`;
    let child: ChildProcess;
    const start = async () => {
      child = spawnBinary(tool, options.args(port));
      await waitUntilReady(
        `${url}${options.readyPath ?? '/-/ready'}`,
        child,
        tool.binary,
        () => options.isOurs(url, headers),
        options.readyTimeoutMs ?? 30_000,
        headers,
      );
    };
    await start();
    return { url, port, stop: () => stopProcess(child), restart: start };
  };
  return options.port ? startOn(options.port) : startOnFreePort(startOn, tool.binary);
}

/** Reads one value of a JSON status endpoint; undefined when it does not answer. */
async function statusValue(
  url: string,
  headers: Record<string, string>,
  pick: (json: never) => unknown,
): Promise<unknown> {
  try {
    return pick((await (await fetch(url, { headers })).json()) as never);
  } catch {
    return undefined;
  }
}

/** Whether a VictoriaMetrics component's `/flags` page lists this flag and value. */
async function flagsInclude(
  url: string,
  headers: Record<string, string>,
  flag: string,
): Promise<boolean> {
  try {
    return (await (await fetch(`${url}/flags`, { headers })).text()).includes(flag);
  } catch {
    return false;
  }
}

export function launchPushgateway(options: {
  port?: number;
  /** Also what proves the instance is ours; kept across a restart, so its groups come back. */
  persistenceFile: string;
  extraArgs?: string[];
  scheme?: 'http' | 'https';
  headers?: Record<string, string>;
}): Promise<RunningBinary> {
  return launch(PUSHGATEWAY, {
    ...options,
    args: (port) => [
      `--web.listen-address=127.0.0.1:${port}`,
      `--persistence.file=${options.persistenceFile}`,
      '--web.enable-admin-api',
      '--log.level=warn',
      ...(options.extraArgs ?? []),
    ],
    isOurs: async (url, headers) =>
      (await statusValue(
        `${url}/api/v1/status`,
        headers,
        (json: { data?: { flags?: Record<string, string> } }) =>
          json.data?.flags?.['persistence.file'],
      )) === options.persistenceFile,
  });
}

export function launchPrometheus(options: {
  port?: number;
  configFile: string;
  /** Also what proves the instance is ours. */
  tsdbPath: string;
  extraArgs?: string[];
}): Promise<RunningBinary> {
  return launch(PROMETHEUS, {
    ...options,
    args: (port) => [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${options.tsdbPath}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...(options.extraArgs ?? []),
    ],
    isOurs: async (url, headers) =>
      (await statusValue(
        `${url}/api/v1/status/flags`,
        headers,
        (json: { data?: Record<string, string> }) => json.data?.['storage.tsdb.path'],
      )) === options.tsdbPath,
  });
}

/** Single-node VictoriaMetrics: remote write at `/api/v1/write`, Prometheus' query API. */
export function launchVictoriaMetrics(options: {
  port?: number;
  /** Also what proves the instance is ours. */
  storagePath: string;
}): Promise<RunningBinary> {
  return launch(VICTORIA_METRICS, {
    ...options,
    args: (port) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${options.storagePath}`,
      // By default queries leave out the last 30 s (samples still arriving); tests read at once.
      '-search.latencyOffset=0s',
      '-loggerLevel=ERROR',
    ],
    isOurs: (url, headers) =>
      flagsInclude(url, headers, `-storageDataPath="${options.storagePath}"`),
  });
}

/**
 * vmalert: evaluates a Prometheus rule file against VictoriaMetrics' query API, writes the
 * results of recording rules (and alert states) back to it, and sends alerts to Alertmanager.
 */
export function launchVmalert(options: {
  port?: number;
  /** Also what proves the instance is ours. */
  ruleFile: string;
  /** VictoriaMetrics: queried, and written to. */
  victoriaMetricsUrl: string;
  alertmanagerUrl: string;
  evaluationInterval: string;
}): Promise<RunningBinary> {
  return launch(VMALERT, {
    ...options,
    args: (port) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-rule=${options.ruleFile}`,
      `-datasource.url=${options.victoriaMetricsUrl}`,
      `-remoteWrite.url=${options.victoriaMetricsUrl}`,
      `-notifier.url=${options.alertmanagerUrl}`,
      `-evaluationInterval=${options.evaluationInterval}`,
      '-loggerLevel=ERROR',
    ],
    isOurs: (url, headers) => flagsInclude(url, headers, `-rule="${options.ruleFile}"`),
  });
}

export function launchAlertmanager(options: {
  port?: number;
  configFile: string;
  storagePath: string;
  /**
   * A string of the configuration only this instance has (e.g. a file path in it): what
   * proves the instance is ours. Alertmanager reports no flags, only its configuration,
   * re-serialized.
   */
  configMarker: string;
  extraArgs?: string[];
}): Promise<RunningBinary> {
  return launch(ALERTMANAGER, {
    ...options,
    args: (port) => [
      `--config.file=${options.configFile}`,
      `--storage.path=${options.storagePath}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // No gossip port: one instance, and parallel stacks must not collide on 9094.
      '--cluster.listen-address=',
      '--log.level=warn',
      ...(options.extraArgs ?? []),
    ],
    isOurs: async (url, headers) =>
      String(
        await statusValue(
          `${url}/api/v2/status`,
          headers,
          (json: { config?: { original?: string } }) => json.config?.original,
        ),
      ).includes(options.configMarker),
  });
}

/**
 * node_exporter, with a textfile collector directory of its own: a file there holding a
 * marker only this instance exposes is what proves it is ours.
 */
export function launchNodeExporter(options: {
  port?: number;
  textfileDirectory: string;
  marker: string;
}): Promise<RunningBinary> {
  return launch(NODE_EXPORTER, {
    ...options,
    readyPath: '/metrics',
    args: (port) => [
      `--web.listen-address=127.0.0.1:${port}`,
      `--collector.textfile.directory=${options.textfileDirectory}`,
      '--log.level=warn',
    ],
    isOurs: (url) => pageContains(`${url}/metrics`, options.marker),
  });
}

/** Whether the page at `url` holds `marker` (a module, a series only our instance has). */
async function pageContains(url: string, marker: string): Promise<boolean> {
  try {
    return (await (await fetch(url)).text()).includes(marker);
  } catch {
    return false;
  }
}

/**
 * An exporter started with a configuration file of its own: a module named only there is
 * what proves the instance is ours (its /config page shows it).
 */
function launchWithConfigFile(
  binary: DebianBinary,
  options: { port?: number; configFile: string; marker: string },
): Promise<RunningBinary> {
  return launch(binary, {
    ...options,
    args: (port) => [
      `--config.file=${options.configFile}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    isOurs: (url) => pageContains(`${url}/config`, options.marker),
  });
}

/** blackbox_exporter with a configuration file of its own. */
export function launchBlackboxExporter(options: {
  port?: number;
  configFile: string;
  marker: string;
}): Promise<RunningBinary> {
  return launchWithConfigFile(BLACKBOX_EXPORTER, options);
}

/** snmp_exporter with a configuration file of its own (Debian ships none: its MIBs are non-free). */
export function launchSnmpExporter(options: {
  port?: number;
  configFile: string;
  marker: string;
}): Promise<RunningBinary> {
  return launchWithConfigFile(SNMP_EXPORTER, options);
}

/**
 * A real SNMP agent (net-snmp's snmpd) on a loopback UDP port, read-only with the community
 * `public`, answering for this machine's own interfaces. Not HTTP: ready once it says so.
 */
export async function launchSnmpd(options: { configDir: string }): Promise<{
  address: string;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const config = `${options.configDir}/snmpd.conf`;
  writeFileSync(config, `agentAddress udp:127.0.0.1:${port}\nrocommunity public 127.0.0.1\n`);
  const child = spawnBinary(SNMPD, [
    '-f',
    '-Lo',
    '-C',
    '-c',
    config,
    `-p`,
    `${options.configDir}/snmpd.pid`,
  ]);
  const end = Date.now() + 15_000;
  while (!/NET-SNMP version/.test(processOutput(child))) {
    if (child.exitCode !== null || Date.now() > end)
      throw new Error(`snmpd did not start on udp 127.0.0.1:${port}:\n${processOutput(child)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { address: `127.0.0.1:${port}`, stop: () => stopProcess(child) };
}
