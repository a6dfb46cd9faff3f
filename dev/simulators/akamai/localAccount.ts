import type { StandinCpCode } from './server';

/**
 * The CP codes of the simulated Akamai account (npm start, and the stand-in by default): the
 * example CP code of config/local.yml and two more its schedule discovers at run time
 * (`discover: { match: '^example-' }`), each with a name the dashboards and alerts show.
 */
export const LOCAL_ACCOUNT: readonly StandinCpCode[] = [
  {
    cpcodeId: 424242,
    cpcodeName: 'example-images',
    contractId: 'C-0N7RAC7',
    groupId: 54321,
    productIds: ['Site_Accel'],
  },
  {
    cpcodeId: 424243,
    cpcodeName: 'example-video',
    contractId: 'C-0N7RAC7',
    groupId: 54321,
    productIds: ['Adaptive_Media_Delivery'],
  },
  {
    cpcodeId: 424244,
    cpcodeName: 'example-downloads',
    contractId: 'C-0N7RAC7',
    groupId: 54321,
    productIds: ['Download_Delivery'],
  },
  {
    cpcodeId: 424299,
    cpcodeName: 'intranet-test',
    contractId: 'C-0N7RAC7',
    groupId: 54321,
    productIds: ['Site_Accel'],
  },
];
