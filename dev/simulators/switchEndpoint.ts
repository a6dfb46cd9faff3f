import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFleet } from '../../src/synthetic/fleetConfig';
import { modelSettings, type DeviceSample, sampleDevice } from '../../src/synthetic/model';

/**
 * The simulator's device endpoint: simulated switches (the synthetic fleet's model) served at
 * `/metrics?device=<name>` in text exposition 0.0.4, under the names and labels
 * snmp_exporter's `if_mib` module gives a real switch (ifHCInOctets{ifIndex,ifDescr,ifName},
 * ifOperStatus, …). The scrape source fetches it like any exporter, and the "Fetched
 * telemetry" dashboard shows it like a switch behind snmp_exporter. Its values are those of
 * the tick (`tickSeconds`, default the current minute), so two reads of one tick are equal.
 */
export interface SwitchEndpoint {
  url: string;
  /** The devices it serves, the first also at plain `/metrics`. */
  devices: readonly string[];
  stop(): Promise<void>;
}

export interface SwitchEndpointOptions {
  port?: number;
  deviceCount?: number;
  portsPerDevice?: number;
  /** The tick whose values it serves (Unix seconds); default: the current minute. */
  tickSeconds?: () => number;
}

const currentMinute = () => Math.floor(Date.now() / 60_000) * 60;

export async function startSwitchEndpoint(
  options: SwitchEndpointOptions = {},
): Promise<SwitchEndpoint> {
  const plan = parseFleet({
    name: 'endpoint',
    deviceCount: options.deviceCount ?? 2,
    portsPerDevice: options.portsPerDevice ?? 8,
    portType: '10g-sfp+',
    trafficLevel: 0.4,
    linkFlapsPerDay: 2,
  });
  const settings = modelSettings(plan);
  const tick = options.tickSeconds ?? currentMinute;
  const devices = plan.devices.map((d) => d.name);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://endpoint');
    const name = url.searchParams.get('device') ?? devices[0];
    const device = plan.devices.find((d) => d.name === name);
    if (url.pathname !== '/metrics' || !device) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`no such device or path; devices: ${devices.join(', ')}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(ifMibExposition(sampleDevice(device, tick(), settings)));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    devices,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One device's ports as snmp_exporter's if_mib module writes them. */
export function ifMibExposition(sample: DeviceSample): string {
  const families: Array<{
    name: string;
    type: 'counter' | 'gauge';
    help: string;
    value: (port: DeviceSample['ports'][number]) => number;
  }> = [
    {
      name: 'ifHCInOctets',
      type: 'counter',
      help: 'The total number of octets received on the interface - 1.3.6.1.2.1.31.1.1.1.6',
      value: (p) => p.receive.bytes,
    },
    {
      name: 'ifHCOutOctets',
      type: 'counter',
      help: 'The total number of octets transmitted out of the interface - 1.3.6.1.2.1.31.1.1.1.10',
      value: (p) => p.transmit.bytes,
    },
    {
      name: 'ifHCInUcastPkts',
      type: 'counter',
      help: 'The number of packets delivered to a higher-layer protocol - 1.3.6.1.2.1.31.1.1.1.7',
      value: (p) => p.receive.packets,
    },
    {
      name: 'ifHCOutUcastPkts',
      type: 'counter',
      help: 'The total number of packets requested to be transmitted - 1.3.6.1.2.1.31.1.1.1.11',
      value: (p) => p.transmit.packets,
    },
    {
      name: 'ifInErrors',
      type: 'counter',
      help: 'The number of inbound packets that contained errors - 1.3.6.1.2.1.2.2.1.14',
      value: (p) => p.receive.errors,
    },
    {
      name: 'ifOutErrors',
      type: 'counter',
      help: 'The number of outbound packets that could not be transmitted because of errors - 1.3.6.1.2.1.2.2.1.20',
      value: (p) => p.transmit.errors,
    },
    {
      name: 'ifInDiscards',
      type: 'counter',
      help: 'The number of inbound packets which were chosen to be discarded - 1.3.6.1.2.1.2.2.1.13',
      value: (p) => p.receive.drops,
    },
    {
      name: 'ifOutDiscards',
      type: 'counter',
      help: 'The number of outbound packets which were chosen to be discarded - 1.3.6.1.2.1.2.2.1.19',
      value: (p) => p.transmit.drops,
    },
    {
      name: 'ifOperStatus',
      type: 'gauge',
      help: 'The current operational state of the interface (1 up, 2 down) - 1.3.6.1.2.1.2.2.1.8',
      value: (p) => (p.linkUp ? 1 : 2),
    },
    {
      name: 'ifHighSpeed',
      type: 'gauge',
      help: "An estimate of the interface's current bandwidth in units of 1,000,000 bits per second - 1.3.6.1.2.1.31.1.1.1.15",
      value: (p) => (p.speedBytes * 8) / 1e6,
    },
  ];
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    sample.ports.forEach((port, i) => {
      const labels = `ifDescr="${port.port.name}",ifIndex="${i + 1}",ifName="${port.port.name}"`;
      lines.push(`${family.name}{${labels}} ${family.value(port)}`);
    });
  }
  const uptime = Math.max(0, sample.tickSeconds - sample.bootTimeSeconds) * 100;
  lines.push(
    '# HELP sysUpTime The time (in hundredths of a second) since the network management portion of the system was last re-initialized. - 1.3.6.1.2.1.1.3',
    '# TYPE sysUpTime gauge',
    `sysUpTime ${Math.round(uptime)}`,
  );
  return `${lines.join('\n')}\n`;
}
