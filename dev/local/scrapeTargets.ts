import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBlackboxExporter } from '../launchers';
import { startSwitchEndpoint } from '../simulators/switchEndpoint';
import type { ScheduledFunction } from './serverlessSchedules';

/**
 * What `npm start`'s scrape schedules (config/local.yml, "scrape:") fetch: the simulator's
 * switches, served as snmp_exporter's if_mib module would serve real ones, and a real
 * blackbox_exporter (Debian's) probing the local Akamai stand-in over HTTPS. The stage file
 * names their usual ports; when one is taken, the schedules are pointed at the free one used.
 */
export const LOCAL_SCRAPE_PORTS = { switches: 9108, blackbox: 9115, akamai: 9443 } as const;

export interface LocalScrapeTargets {
  switchesUrl: string;
  blackboxUrl: string;
  /**
   * The scrape function with its targets at the ports really used; undefined for a schedule
   * that probes the Akamai stand-in when there is none (real Akamai credentials).
   */
  retarget(fn: ScheduledFunction): ScheduledFunction | undefined;
  stop(): Promise<void>;
}

export async function startLocalScrapeTargets(options: {
  dataDir: string;
  /** The CA of the Akamai stand-in's certificate, which blackbox_exporter must trust. */
  caCertPath: string;
  /** host:port of the Akamai stand-in, when npm start runs it. */
  akamaiHost?: string;
}): Promise<LocalScrapeTargets> {
  const switches = await startSwitchEndpoint({ port: LOCAL_SCRAPE_PORTS.switches }).catch(() =>
    startSwitchEndpoint(),
  );
  const configFile = join(options.dataDir, 'blackbox.yml');
  // The Akamai API answers an unsigned request 401 (so does the stand-in): that is the answer
  // of a reachable API host with a valid certificate, which is what the probe checks.
  writeFileSync(
    configFile,
    [
      'modules:',
      '  http_2xx: { prober: http, timeout: 5s }',
      '  akamai_api:',
      '    prober: http',
      '    timeout: 5s',
      '    http:',
      '      valid_status_codes: [401]',
      '      fail_if_not_ssl: true',
      `      tls_config: { ca_file: ${JSON.stringify(options.caCertPath)} }`,
      '  pushgate_local_blackbox: { prober: tcp }',
      '',
    ].join('\n'),
  );
  const blackboxOptions = { configFile, marker: 'pushgate_local_blackbox' };
  const blackbox = await launchBlackboxExporter({
    ...blackboxOptions,
    port: LOCAL_SCRAPE_PORTS.blackbox,
  }).catch(() => launchBlackboxExporter(blackboxOptions));
  const moved: Array<[string, string]> = [
    [`127.0.0.1:${LOCAL_SCRAPE_PORTS.switches}`, new URL(switches.url).host],
    [`127.0.0.1:${LOCAL_SCRAPE_PORTS.blackbox}`, new URL(blackbox.url).host],
    ...(options.akamaiHost
      ? [[`127.0.0.1:${LOCAL_SCRAPE_PORTS.akamai}`, options.akamaiHost] as [string, string]]
      : []),
  ];
  return {
    switchesUrl: switches.url,
    blackboxUrl: blackbox.url,
    retarget: (fn) => {
      const standin = `127.0.0.1:${LOCAL_SCRAPE_PORTS.akamai}`;
      if (!options.akamaiHost && JSON.stringify(fn.event(new Date())).includes(standin))
        return undefined;
      return retargeted(fn);
    },
    stop: async () => {
      await blackbox.stop();
      await switches.stop();
    },
  };

  function retargeted(fn: ScheduledFunction): ScheduledFunction {
    return {
      ...fn,
      event: (time) => {
        let text = JSON.stringify(fn.event(time));
        for (const [from, to] of moved) text = text.split(from).join(to);
        return JSON.parse(text) as unknown;
      },
    };
  }
}
