import { parseFleet } from '../../../src/synthetic/fleetConfig';

describe('synthetic fleet configuration', () => {
  it('defaults to 2 devices × 4 ports of 10G', () => {
    const plan = parseFleet({});
    expect(plan.devices.map((d) => [d.name, d.ports.map((p) => `${p.name}:${p.type}`)])).toEqual([
      ['switch-01', ['eth1:10g-sfp+', 'eth2:10g-sfp+', 'eth3:10g-sfp+', 'eth4:10g-sfp+']],
      ['switch-02', ['eth1:10g-sfp+', 'eth2:10g-sfp+', 'eth3:10g-sfp+', 'eth4:10g-sfp+']],
    ]);
    expect(plan.seed).toBe('default');
    expect(plan.fleet).toMatchObject({
      name: 'default',
      trafficLevel: 0.3,
      linkFlapsPerDay: 1,
      rebootsPerDay: 0.05,
    });
  });

  it('takes an explicit device list with per-port traffic levels', () => {
    const plan = parseFleet({
      name: 'lab',
      devices: [
        { name: 'core-1', ports: [{ name: 'xe-0/0/1', type: '100g-qsfp28', trafficLevel: 0.8 }] },
      ],
    });
    expect(plan.devices).toEqual([
      { name: 'core-1', ports: [{ name: 'xe-0/0/1', type: '100g-qsfp28', trafficLevel: 0.8 }] },
    ]);
  });

  it.each([
    [
      { devices: [{ name: 'a', ports: [{ name: 'p', type: '400g-magic' }] }] },
      'devices[0].ports[0].type: must be one of 1g-copper, 10g-sfp+',
    ],
    [{ deviceCount: 0 }, 'deviceCount: must be at least 1'],
    [{ devices: [] }, 'devices: list at least one device'],
    [{ linkFlapsPerDay: -1 }, 'linkFlapsPerDay: must not be negative'],
    [{ rebootsPerDay: -0.5 }, 'rebootsPerDay: must not be negative'],
    [{ trafficLevel: -0.1 }, 'trafficLevel: must not be negative'],
    [{ trafficLevel: 2 }, 'trafficLevel: is a share of line rate: at most 1'],
    [
      {
        devices: [
          { name: 'a', ports: [{ name: 'p', type: '1g-copper' }] },
          { name: 'a', ports: [{ name: 'p', type: '1g-copper' }] },
        ],
      },
      'devices[1].name: duplicate device name "a" (also devices[0])',
    ],
    [
      {
        devices: [
          {
            name: 'a',
            ports: [
              { name: 'p', type: '1g-copper' },
              { name: 'p', type: '1g-copper' },
            ],
          },
        ],
      },
      'devices[0].ports[1].name: duplicate port name "p"',
    ],
    [
      { linkDownSeconds: [600, 60] },
      'linkDownSeconds: the first value (shortest) must not exceed the second',
    ],
    [{ portType: '10g' }, 'portType: must be one of'],
    [{ devcies: [] }, 'devcies'],
  ])('refuses %j, naming the field', (input, message) => {
    expect(() => parseFleet(input)).toThrow(message);
  });
});
