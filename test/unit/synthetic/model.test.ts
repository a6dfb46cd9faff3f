import fc from 'fast-check';
import { parseFleet } from '../../../src/synthetic/fleetConfig';
import {
  type DeviceSample,
  meanUtilisation,
  modelSettings,
  sampleDevice,
} from '../../../src/synthetic/model';

/**
 * Properties of the stateless telemetry model. Every call below re-parses the fleet and
 * samples from scratch, exactly what a cold-started Lambda does.
 */
const START = Date.parse('2026-01-01T00:00:00Z') / 1000;

function sampleAt(fleet: object, device: number, t: number): DeviceSample {
  const plan = parseFleet(fleet);
  const d = plan.devices[device];
  if (!d) throw new Error('no such device');
  return sampleDevice(d, t, modelSettings(plan));
}

const COUNTERS = ['bytes', 'packets', 'errors', 'drops'] as const;

/** Increasing tick times with gaps (seconds to days) and repeats. */
const tickSequence = fc
  .array(
    fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 120 }),
      fc.integer({ min: 60, max: 6 * 3600 }),
      fc.integer({ min: 86_400, max: 5 * 86_400 }),
    ),
    { minLength: 2, maxLength: 40 },
  )
  .map((steps) => {
    let t = START;
    return steps.map((s) => (t += s));
  });

// Busy fleets: frequent flaps and reboots, so the properties meet them often.
const fleetArbitrary = fc.record({
  seed: fc.string({ minLength: 1, maxLength: 8 }),
  deviceCount: fc.constant(1),
  portsPerDevice: fc.integer({ min: 1, max: 3 }),
  portType: fc.constantFrom('1g-copper', '10g-sfp+', '100g-qsfp28'),
  trafficLevel: fc.double({ min: 0, max: 1, noNaN: true }),
  linkFlapsPerDay: fc.constantFrom(0, 1, 6, 24),
  rebootsPerDay: fc.constantFrom(0, 0.05, 1, 4),
});

describe('synthetic telemetry model', () => {
  it('counters never go backwards except at a reboot, which moves the boot time', () => {
    fc.assert(
      fc.property(fleetArbitrary, tickSequence, (fleet, ticks) => {
        let previous: DeviceSample | undefined;
        for (const t of ticks) {
          const current = sampleAt(fleet, 0, t);
          if (previous) {
            const rebooted = current.bootTimeSeconds !== previous.bootTimeSeconds;
            if (rebooted) {
              expect(current.bootTimeSeconds).toBeGreaterThan(previous.bootTimeSeconds);
              expect(current.bootTimeSeconds).toBeLessThanOrEqual(t);
            } else {
              current.ports.forEach((port, i) => {
                const before = previous?.ports[i];
                for (const c of COUNTERS) {
                  expect(port.receive[c]).toBeGreaterThanOrEqual(before?.receive[c] ?? 0);
                  expect(port.transmit[c]).toBeGreaterThanOrEqual(before?.transmit[c] ?? 0);
                }
                expect(port.linkFlaps).toBeGreaterThanOrEqual(before?.linkFlaps ?? 0);
              });
            }
          }
          previous = current;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives identical values for the same tick, however often it is delivered', () => {
    fc.assert(
      fc.property(
        fleetArbitrary,
        fc.integer({ min: START, max: START + 365 * 86_400 }),
        (fleet, t) => {
          expect(sampleAt(fleet, 0, t)).toEqual(sampleAt(fleet, 0, t));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps gauges within physical bounds: buffer ≤ capacity, rate ≤ line rate, no traffic while down', () => {
    fc.assert(
      fc.property(
        fleetArbitrary,
        fc.integer({ min: START, max: START + 365 * 86_400 }),
        fc.integer({ min: 1, max: 3600 }),
        (fleet, t, dt) => {
          const a = sampleAt(fleet, 0, t);
          const b = sampleAt(fleet, 0, t + dt);
          b.ports.forEach((port, i) => {
            expect(port.bufferBytes).toBeGreaterThanOrEqual(0);
            expect(port.bufferBytes).toBeLessThanOrEqual(port.bufferCapacityBytes);
            if (!port.linkUp) expect(port.bufferBytes).toBe(0);
            const before = a.ports[i];
            if (before && a.bootTimeSeconds === b.bootTimeSeconds) {
              // +1: counters are floored to whole bytes.
              expect(port.receive.bytes - before.receive.bytes).toBeLessThanOrEqual(
                port.speedBytes * dt + 1,
              );
              expect(port.transmit.bytes - before.transmit.bytes).toBeLessThanOrEqual(
                port.speedBytes * dt + 1,
              );
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('carries no traffic while a link is down', () => {
    // A fleet that flaps every hour with long outages: find a down sample, then one a little later in the same outage.
    const fleet = {
      seed: 'flappy',
      deviceCount: 1,
      portsPerDevice: 1,
      linkFlapsPerDay: 24,
      linkDownSeconds: [1800, 3600],
      rebootsPerDay: 0,
    };
    let found = 0;
    for (let t = START; t < START + 2 * 86_400 && found < 5; t += 60) {
      const a = sampleAt(fleet, 0, t);
      const b = sampleAt(fleet, 0, t + 30);
      if (!a.ports[0]?.linkUp && !b.ports[0]?.linkUp) {
        expect(b.ports[0]?.receive).toEqual(a.ports[0]?.receive);
        expect(b.ports[0]?.transmit).toEqual(a.ports[0]?.transmit);
        found++;
      }
    }
    expect(found).toBe(5);
  });

  it('follows the configured traffic level: mean utilisation within 10-100 % of it', () => {
    const plan = parseFleet({ trafficLevel: 0.5 });
    const device = plan.devices[0];
    if (!device) throw new Error('no device');
    for (let h = 0; h < 24; h++) {
      for (const port of device.ports) {
        const u = meanUtilisation(
          plan.seed,
          device.name,
          port,
          'receive',
          START + h * 3600,
          START + h * 3600 + 600,
        );
        // Per-port load is 60-120 % of the level (capped at line rate), times the daily cycle (0.1-1).
        expect(u).toBeGreaterThanOrEqual(0.5 * 0.6 * 0.1);
        expect(u).toBeLessThanOrEqual(Math.min(1, 0.5 * 1.2));
      }
    }
  });

  it('reboots at the configured rate and flaps links at the configured rate', () => {
    const fleet = {
      seed: 'rates',
      deviceCount: 20,
      portsPerDevice: 2,
      rebootsPerDay: 1,
      linkFlapsPerDay: 2,
    };
    const days = 20;
    let reboots = 0;
    let flaps = 0;
    for (let d = 0; d < 20; d++) {
      let boot = sampleAt(fleet, d, START).bootTimeSeconds;
      for (let h = 1; h <= days * 24; h++) {
        const s = sampleAt(fleet, d, START + h * 3600);
        if (s.bootTimeSeconds !== boot) reboots++;
        boot = s.bootTimeSeconds;
      }
      flaps += sampleAt({ ...fleet, rebootsPerDay: 0 }, d, START + days * 86_400).ports.reduce(
        (sum, p) => sum + p.linkFlaps,
        0,
      );
    }
    // 20 devices × 20 days × 1/day = 400 expected reboots (hourly sampling can merge two).
    expect(reboots).toBeGreaterThan(300);
    expect(reboots).toBeLessThan(500);
    expect(flaps).toBeGreaterThan(0);
  });
});
