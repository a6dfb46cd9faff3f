import * as z from 'zod/mini';
import pricesFile from './prices.json';
import type { FunctionUsage } from './usage';

const regionPrices = z.object({
  lambdaGbSecond: z.object({ x86_64: z.number(), arm64: z.number() }),
  lambdaPerMillionRequests: z.number(),
  secretsManagerPer10kCalls: z.number(),
  logsIngestionPerGb: z.number(),
  logsStoragePerGbMonth: z.number(),
  ampPer10MillionSamples: z.number(),
  s3PutPer1000: z.number(),
  s3GetPer1000: z.number(),
  alarmPerMonth: z.number(),
  natGatewayPerHour: z.number(),
  natGatewayPerGb: z.number(),
});
export type RegionPrices = z.infer<typeof regionPrices>;

/** The price list (prices.json): its date, and each region's on-demand prices. */
export const PRICES = z
  .object({
    date: z.string(),
    currency: z.string(),
    regions: z.record(z.string(), regionPrices),
  })
  .parse(pricesFile);

/** The region the estimate prices, and the region the list has when it lacks the deploy's. */
const FALLBACK_REGION = 'us-east-1';
const GB = 1024 ** 3;

export type Architecture = 'arm64' | 'x86_64';

export interface CostInputs {
  usage: readonly FunctionUsage[];
  region: string;
  architecture: Architecture;
  /** Remote write goes to AMP: its samples are billed. */
  amp: boolean;
  /** The functions run in the stage's subnets: a NAT gateway is likely. */
  vpc: boolean;
}

export interface FunctionCost {
  fn: string;
  total: number;
  /** Each part with its figure and the inputs that made it. */
  parts: Array<{ what: string; cost: number; inputs: string }>;
}

/** Each function's month in dollars, part by part, at the list's prices for the region. */
export function estimateCost(inputs: CostInputs): { costs: FunctionCost[]; pricedRegion: string } {
  const pricedRegion = PRICES.regions[inputs.region] ? inputs.region : FALLBACK_REGION;
  const prices = PRICES.regions[pricedRegion] as RegionPrices;
  const costs = inputs.usage.map((u): FunctionCost => {
    const gbSeconds = (u.seconds * u.memoryMb) / 1024;
    const logGb = u.logBytes / GB;
    const parts = [
      {
        what: 'compute',
        cost: gbSeconds * prices.lambdaGbSecond[inputs.architecture],
        inputs: `${u.basis.join('; ')}; at ${u.memoryMb} MB ${inputs.architecture} = ${count(gbSeconds)} GB-s`,
      },
      {
        what: 'requests',
        cost: (u.runs / 1e6) * prices.lambdaPerMillionRequests,
        inputs: `${count(u.runs)} invocations`,
      },
      {
        what: 'secrets',
        cost: (u.secretCalls / 1e4) * prices.secretsManagerPer10kCalls,
        inputs: `${count(u.secretCalls)} GetSecretValue calls (a warm container reads each secret once per cache TTL)`,
      },
      {
        what: 'logs',
        cost: logGb * (prices.logsIngestionPerGb + prices.logsStoragePerGbMonth),
        inputs: `${megabytes(u.logBytes)} ingested, kept 30 days`,
      },
      ...(inputs.amp && u.samples > 0
        ? [
            {
              what: 'AMP',
              cost: (u.samples / 1e7) * prices.ampPer10MillionSamples,
              inputs: `${count(u.samples)} samples ingested${u.samplesAssume ? ` (${u.samplesAssume})` : ''}`,
            },
          ]
        : []),
      ...(u.s3Gets > 0
        ? [
            {
              what: 'S3',
              cost: (u.s3Gets / 1000) * prices.s3GetPer1000,
              inputs: `${count(u.s3Gets)} HeadObject`,
            },
          ]
        : []),
    ];
    return { fn: u.fn, total: parts.reduce((sum, p) => sum + p.cost, 0), parts };
  });
  costs.push({
    fn: 'failure alarm',
    total: prices.alarmPerMonth,
    parts: [{ what: 'alarm', cost: prices.alarmPerMonth, inputs: '1 CloudWatch alarm' }],
  });
  return { costs, pricedRegion };
}

/** The estimate as packaging prints it: a line per function with its parts and inputs. */
export function formatCost(inputs: CostInputs): string {
  const { costs, pricedRegion } = estimateCost(inputs);
  const prices = PRICES.regions[pricedRegion] as RegionPrices;
  const total = costs.reduce((sum, c) => sum + c.total, 0);
  const width = Math.max(...costs.map((c) => c.fn.length));
  const lines = [
    `Estimated monthly cost, ${PRICES.currency} at ${pricedRegion} list prices of ${PRICES.date} (src/deploy/cost/prices.json), before free tiers: an estimate, not a bill` +
      (pricedRegion === inputs.region
        ? ''
        : ` (the list has no ${inputs.region}: ${pricedRegion}'s prices shown)`),
    ...costs.flatMap((c) => [
      `  ${c.fn.padEnd(width)}  ${dollars(c.total).padStart(9)}`,
      ...c.parts
        .filter((p) => p.cost > 0 || p.what === 'compute')
        .map((p) => `    ${p.what.padEnd(8)} ${dollars(p.cost).padStart(7)}  ${p.inputs}`),
    ]),
    `  ${'total'.padEnd(width)}  ${dollars(total).padStart(9)}`,
  ];
  if (inputs.vpc)
    lines.push(
      `  not included: the NAT gateway the functions' subnets reach out through, ${dollars(prices.natGatewayPerHour * 730)} a month each plus ${dollars(prices.natGatewayPerGb)} a GB (or VPC endpoints for the AWS services they call)`,
    );
  return `${lines.join('\n')}\n`;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const megabytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
const dollars = (value: number) =>
  value >= 0.01 || value === 0 ? `$${value.toFixed(2)}` : `<$0.01`;
