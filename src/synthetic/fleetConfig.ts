import * as z from 'zod/mini';
import '../shared/zod';
import { ConfigurationError } from '../shared/errors';
import { describeIssues, fieldsOf } from '../shared/validation';

/**
 * Port types the simulator knows: line rate and the buffer a switch port of that kind
 * typically has. A closed set, so a typo is refused instead of inventing a speed.
 */
export const PORT_TYPES = {
  '1g-copper': { speedBitsPerSecond: 1e9, bufferBytes: 1_048_576 },
  '10g-sfp+': { speedBitsPerSecond: 10e9, bufferBytes: 4_194_304 },
  '25g-sfp28': { speedBitsPerSecond: 25e9, bufferBytes: 8_388_608 },
  '40g-qsfp+': { speedBitsPerSecond: 40e9, bufferBytes: 12_582_912 },
  '100g-qsfp28': { speedBitsPerSecond: 100e9, bufferBytes: 33_554_432 },
} as const;
export type PortType = keyof typeof PORT_TYPES;
const portTypeNames = Object.keys(PORT_TYPES) as [PortType, ...PortType[]];

const name = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,62}$/,
      'use 1-63 letters, digits, "_", ".", ":", "/" or "-"',
    ),
  );

const portSchema = z.strictObject({
  name,
  type: z.enum(portTypeNames, { error: `must be one of ${portTypeNames.join(', ')}` }),
  /** Share of line rate at the daily peak (0-1); defaults to the fleet's trafficLevel. */
  trafficLevel: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
});

const deviceSchema = z.strictObject({
  name,
  ports: z.array(portSchema).check(z.minLength(1, 'a device needs at least one port')),
});

/**
 * The fleet of one schedule. Either list `devices`, or let `deviceCount` × `portsPerDevice`
 * generate `switch-01`… with ports `eth1`….
 */
export const fleetSchema = z
  .strictObject({
    /** Names the fleet: the `fleet` grouping label and the health group. */
    name: z._default(
      z
        .string()
        .check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 letters, digits, "_", "." or "-"')),
      'default',
    ),
    /** Seeds every simulated value; change it to get a different but equally stable fleet. */
    seed: z.optional(z.string().check(z.minLength(1))),
    devices: z.optional(z.array(deviceSchema).check(z.minLength(1, 'list at least one device'))),
    deviceCount: z._default(
      z.int().check(z.minimum(1, 'must be at least 1'), z.maximum(100_000)),
      2,
    ),
    portsPerDevice: z._default(
      z.int().check(z.minimum(1, 'must be at least 1'), z.maximum(1024)),
      4,
    ),
    portType: z._default(
      z.enum(portTypeNames, { error: `must be one of ${portTypeNames.join(', ')}` }),
      '10g-sfp+',
    ),
    /** Share of line rate at the daily peak (0-1). */
    trafficLevel: z._default(
      z
        .number()
        .check(
          z.minimum(0, 'must not be negative'),
          z.maximum(1, 'is a share of line rate: at most 1'),
        ),
      0.3,
    ),
    /** Link-down events per port per day (0-24). */
    linkFlapsPerDay: z._default(
      z.number().check(z.minimum(0, 'must not be negative'), z.maximum(24)),
      1,
    ),
    /** Shortest and longest link-down period, in seconds. */
    linkDownSeconds: z._default(
      z
        .tuple([z.int().check(z.minimum(1)), z.int().check(z.maximum(3600))])
        .check(
          z.refine(
            ([min, max]) => min <= max,
            'the first value (shortest) must not exceed the second',
          ),
        ),
      [120, 600],
    ),
    /** Device reboots (counter resets) per device per day (0-24). */
    rebootsPerDay: z._default(
      z.number().check(z.minimum(0, 'must not be negative'), z.maximum(24)),
      0.05,
    ),
    /** Devices reboot at least this often (maintenance), which bounds the work per run. */
    maxUptimeDays: z._default(z.int().check(z.minimum(1), z.maximum(365)), 90),
    /** Device groups pushed at the same time. */
    pushConcurrency: z._default(z.int().check(z.minimum(1), z.maximum(64)), 8),
  })
  .check(
    z.superRefine((fleet, ctx) => {
      const devices = fleet.devices ?? [];
      const seen = new Map<string, number>();
      devices.forEach((device, index) => {
        const first = seen.get(device.name);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['devices', index, 'name'],
            message: `duplicate device name "${device.name}" (also devices[${first}])`,
          });
        }
        seen.set(device.name, index);
        const ports = new Set<string>();
        device.ports.forEach((port, portIndex) => {
          if (ports.has(port.name)) {
            ctx.addIssue({
              code: 'custom',
              path: ['devices', index, 'ports', portIndex, 'name'],
              message: `duplicate port name "${port.name}"`,
            });
          }
          ports.add(port.name);
        });
      });
    }),
  );

export type FleetInput = z.input<typeof fleetSchema>;
export type Fleet = z.infer<typeof fleetSchema>;

export interface SimulatedPort {
  name: string;
  type: PortType;
  trafficLevel: number;
}
export interface SimulatedDevice {
  name: string;
  ports: SimulatedPort[];
}

export interface FleetPlan {
  fleet: Fleet;
  seed: string;
  devices: SimulatedDevice[];
}

export function parseFleet(input: unknown, source = 'fleet configuration'): FleetPlan {
  const parsed = fleetSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new ConfigurationError(`invalid synthetic ${source}: ${describeIssues(parsed.error)}`, {
      fields: fieldsOf(parsed.error),
      hint: 'see docs/guides/synthetic.md for the format',
    });
  }
  const fleet = parsed.data;
  const devices: SimulatedDevice[] = fleet.devices
    ? fleet.devices.map((device) => ({
        name: device.name,
        ports: device.ports.map((port) => ({
          name: port.name,
          type: port.type,
          trafficLevel: port.trafficLevel ?? fleet.trafficLevel,
        })),
      }))
    : Array.from({ length: fleet.deviceCount }, (_, d) => ({
        name: `switch-${String(d + 1).padStart(2, '0')}`,
        ports: Array.from({ length: fleet.portsPerDevice }, (_, p) => ({
          name: `eth${p + 1}`,
          type: fleet.portType,
          trafficLevel: fleet.trafficLevel,
        })),
      }));
  return { fleet, seed: fleet.seed ?? fleet.name, devices };
}
