import {
  type FleetPlan,
  PORT_TYPES,
  type SimulatedDevice,
  type SimulatedPort,
} from './fleetConfig';
import { hashString, unit } from './random';

/**
 * The telemetry model: every value is a pure function of (fleet seed, device, port, time).
 * Counters are closed-form integrals of a traffic rate since the device's last boot, minus
 * the traffic a down link did not carry, so two pushes at t1 < t2 always give
 * counter(t1) <= counter(t2) unless the device rebooted in between, and the same tick gives
 * the same values however often it is delivered.
 */

const DAY = 86_400;
/** Times are taken relative to this epoch to keep floating-point sums precise. */
const EPOCH_SECONDS = Date.UTC(2020, 0, 1) / 1000;
/** Link flaps and reboots are drawn per hour. */
const FLAP_EPOCH = 3_600;
const REBOOT_WINDOW = 3_600;

// Salts that separate the independent random draws of one key.
const SALT = {
  flap: 1,
  flapAt: 2,
  flapLength: 3,
  reboot: 4,
  rebootAt: 5,
  maintenance: 6,
  buffer: 7,
} as const;

interface Wave {
  amplitude: number;
  period: number;
  phase: number;
}

interface DirectionModel {
  /** Seconds after midnight UTC at which this direction peaks. */
  peak: number;
  waves: Wave[];
  packetBytes: number;
  errorRate: number;
  dropRate: number;
}

interface PortModel {
  speedBytes: number;
  bufferBytes: number;
  level: number;
  key: number;
  receive: DirectionModel;
  transmit: DirectionModel;
}

export interface DirectionCounters {
  bytes: number;
  packets: number;
  errors: number;
  drops: number;
}

export interface PortSample {
  port: SimulatedPort;
  speedBytes: number;
  bufferCapacityBytes: number;
  linkUp: boolean;
  bufferBytes: number;
  linkFlaps: number;
  receive: DirectionCounters;
  transmit: DirectionCounters;
}

export interface DeviceSample {
  device: SimulatedDevice;
  /** The tick it was sampled at (Unix seconds): its values' timestamp. */
  tickSeconds: number;
  bootTimeSeconds: number;
  ports: PortSample[];
}

export interface ModelSettings {
  seed: string;
  linkFlapsPerDay: number;
  linkDownSeconds: readonly [number, number];
  rebootsPerDay: number;
  maxUptimeDays: number;
}

export function modelSettings(plan: FleetPlan): ModelSettings {
  const { fleet } = plan;
  return {
    seed: plan.seed,
    linkFlapsPerDay: fleet.linkFlapsPerDay,
    linkDownSeconds: fleet.linkDownSeconds,
    rebootsPerDay: fleet.rebootsPerDay,
    maxUptimeDays: fleet.maxUptimeDays,
  };
}

function directionModel(key: number, salt: number): DirectionModel {
  const r = (i: number) => unit(key, salt, i);
  const weights = [0.5 + r(1), 0.5 + r(2), 0.5 + r(3)];
  const total = weights.reduce((a, b) => a + b, 0);
  return {
    // Busiest in the (UTC) evening, with some spread between ports.
    peak: (17 + 4 * r(4)) * 3600,
    waves: weights.map((w, i) => ({
      amplitude: w / total,
      period: 300 + 3300 * r(10 + i),
      phase: 2 * Math.PI * r(20 + i),
    })),
    packetBytes: Math.round(300 + 1100 * r(5)),
    errorRate: 1e-7 + 2e-6 * r(6),
    dropRate: 1e-6 + 2e-5 * r(7),
  };
}

function portModel(seed: string, device: string, port: SimulatedPort): PortModel {
  const key = hashString(`${seed}\u0000${device}\u0000${port.name}`);
  const type = PORT_TYPES[port.type];
  // Ports of one fleet do not all carry the same load: 60-120 % of the configured level.
  const level = Math.min(1, port.trafficLevel * (0.6 + 0.6 * unit(key, 99)));
  return {
    speedBytes: type.speedBitsPerSecond / 8,
    bufferBytes: type.bufferBytes,
    level,
    key,
    receive: directionModel(key, 100),
    transmit: directionModel(key, 200),
  };
}

/** Share of line rate in use at time t (0-1): daily cycle plus noise, bounded by level. */
export function utilisation(model: PortModel, direction: DirectionModel, t: number): number {
  const daily = Math.cos((2 * Math.PI * (t + EPOCH_SECONDS - direction.peak)) / DAY);
  let noise = 0;
  for (const w of direction.waves)
    noise += w.amplitude * Math.sin((2 * Math.PI * t) / w.period + w.phase);
  return model.level * (0.55 + 0.35 * daily + 0.1 * noise);
}

/** ∫ utilisation dt: closed form, so a counter needs no history. */
function utilisationIntegral(model: PortModel, direction: DirectionModel, t: number): number {
  const daily =
    (DAY / (2 * Math.PI)) * Math.sin((2 * Math.PI * (t + EPOCH_SECONDS - direction.peak)) / DAY);
  let noise = 0;
  for (const w of direction.waves) {
    noise -=
      ((w.amplitude * w.period) / (2 * Math.PI)) * Math.cos((2 * Math.PI * t) / w.period + w.phase);
  }
  return model.level * (0.55 * t + 0.35 * daily + 0.1 * noise);
}

/** The link-down period drawn for one hour of one port, if any. */
function downInterval(
  key: number,
  epoch: number,
  settings: ModelSettings,
): { start: number; end: number } | undefined {
  if (unit(key, SALT.flap, epoch) >= settings.linkFlapsPerDay / 24) return undefined;
  const [shortest, longest] = settings.linkDownSeconds;
  const start = epoch * FLAP_EPOCH + Math.floor(unit(key, SALT.flapAt, epoch) * FLAP_EPOCH);
  const length =
    shortest + Math.floor(unit(key, SALT.flapLength, epoch) * (longest - shortest + 1));
  return { start, end: Math.min(start + length, (epoch + 1) * FLAP_EPOCH) };
}

/**
 * Last boot at or before t: the latest of a random reboot (hourly draws) and the periodic
 * maintenance reboot every maxUptimeDays, which bounds how far back we ever look.
 */
export function bootTime(seed: string, device: string, t: number, settings: ModelSettings): number {
  const key = hashString(`${seed}\u0000${device}`);
  const period = settings.maxUptimeDays * DAY;
  const phase = Math.floor(unit(key, SALT.maintenance) * period);
  const maintenance = Math.floor((t - phase) / period) * period + phase;
  const chance = settings.rebootsPerDay / 24;
  if (chance > 0) {
    for (
      let w = Math.floor(t / REBOOT_WINDOW);
      w * REBOOT_WINDOW + REBOOT_WINDOW > maintenance;
      w--
    ) {
      if (unit(key, SALT.reboot, w) >= chance) continue;
      const at = w * REBOOT_WINDOW + Math.floor(unit(key, SALT.rebootAt, w) * REBOOT_WINDOW);
      if (at <= t && at > maintenance) return at;
    }
  }
  return maintenance;
}

function counters(bytes: number, direction: DirectionModel): DirectionCounters {
  const packets = Math.floor(bytes / direction.packetBytes);
  return {
    bytes: Math.floor(bytes),
    packets,
    errors: Math.floor(packets * direction.errorRate),
    drops: Math.floor(packets * direction.dropRate),
  };
}

function samplePort(
  seed: string,
  device: string,
  port: SimulatedPort,
  boot: number,
  t: number,
  settings: ModelSettings,
): PortSample {
  const model = portModel(seed, device, port);
  let effective = t;
  let linkUp = true;
  let linkFlaps = 0;
  let lostReceive = 0;
  let lostTransmit = 0;
  for (let epoch = Math.floor(boot / FLAP_EPOCH); epoch <= Math.floor(t / FLAP_EPOCH); epoch++) {
    const down = downInterval(model.key, epoch, settings);
    if (!down) continue;
    const start = Math.max(down.start, boot);
    if (start > t || down.end <= start) continue;
    if (down.start >= boot) linkFlaps++;
    if (t < down.end) {
      // Down now: the counters stand still where the link went down (exactly, so repeated
      // samples during the outage are identical, not off by a rounding error).
      linkUp = false;
      effective = start;
      break;
    }
    lostReceive +=
      utilisationIntegral(model, model.receive, down.end) -
      utilisationIntegral(model, model.receive, start);
    lostTransmit +=
      utilisationIntegral(model, model.transmit, down.end) -
      utilisationIntegral(model, model.transmit, start);
  }
  const carried = (direction: DirectionModel, lost: number) =>
    model.speedBytes *
    (utilisationIntegral(model, direction, effective) -
      utilisationIntegral(model, direction, boot) -
      lost);
  const fill = Math.min(
    1,
    utilisation(model, model.transmit, t) ** 3 *
      (0.7 + 0.3 * unit(model.key, SALT.buffer, Math.floor(t))),
  );
  return {
    port,
    speedBytes: model.speedBytes,
    bufferCapacityBytes: model.bufferBytes,
    linkUp,
    bufferBytes: linkUp ? Math.round(model.bufferBytes * fill) : 0,
    linkFlaps,
    receive: counters(Math.max(0, carried(model.receive, lostReceive)), model.receive),
    transmit: counters(Math.max(0, carried(model.transmit, lostTransmit)), model.transmit),
  };
}

/** Every value of one device at tick time `tickSeconds` (Unix seconds). */
export function sampleDevice(
  device: SimulatedDevice,
  tickSeconds: number,
  settings: ModelSettings,
): DeviceSample {
  const t = tickSeconds - EPOCH_SECONDS;
  const boot = bootTime(settings.seed, device.name, t, settings);
  return {
    device,
    tickSeconds,
    bootTimeSeconds: boot + EPOCH_SECONDS,
    ports: device.ports.map((port) =>
      samplePort(settings.seed, device.name, port, boot, t, settings),
    ),
  };
}

/** Mean utilisation of a port direction over [from, to] (Unix seconds), for tests and docs. */
export function meanUtilisation(
  seed: string,
  device: string,
  port: SimulatedPort,
  direction: 'receive' | 'transmit',
  from: number,
  to: number,
): number {
  const model = portModel(seed, device, port);
  const d = model[direction];
  const a = from - EPOCH_SECONDS;
  const b = to - EPOCH_SECONDS;
  return (utilisationIntegral(model, d, b) - utilisationIntegral(model, d, a)) / (b - a);
}
