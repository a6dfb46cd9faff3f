/**
 * The traffic collector's bench in a process of its own (the Akamai stand-in speaks HTTPS with
 * the test CA, which Node trusts only through NODE_EXTRA_CA_CERTS at start): a run for 300 CP
 * codes after a six-hour outage of the sink, against the stand-in enforcing the account's
 * budget and a query-cost limit, writing into a real Prometheus by remote write. Prints each
 * run's time, requests and 429s as JSON, with the floor the budget and the cost limit impose.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectTraffic } from '../src/collectors/traffic';
import { trafficSettingsFromEnv } from '../src/config/traffic';
import { deadlineIn } from '../src/shared/deadline';
import { createLogger } from '../src/shared/logger';
import { connectSinks } from '../src/sinks/connect';
import { BUCKET_SECONDS, TRAFFIC_REPORT_PATH } from '../src/traffic/report';
import { parseTrafficSchedule } from '../src/traffic/schedule';
import { RealPrometheus } from '../dev/realPrometheus';
import { startAkamaiStandin } from '../dev/simulators/akamai/standin';

const CP_CODES = Number(process.env.BENCH_TRAFFIC_CP_CODES ?? 300);
const REPEAT = Number(process.env.BENCH_TRAFFIC_REPEAT ?? 3);
/** The account's limit, shared by five traffic schedules: this one's share is a fifth. */
const ACCOUNT_PER_MINUTE = 120;
const SHARE = Math.floor((ACCOUNT_PER_MINUTE * 0.9) / 5);
/** The stand-in's query-cost limit, in rows (CP codes × buckets). */
const COST_LIMIT = 5_000;
const OUTAGE_SECONDS = 6 * 3600;

export interface TrafficBenchPoint {
  /**
   * `known`: maxRowsPerRequest is the account's cost limit; `learning`: the shipped 20,000,
   * the first run after the deploy (its 422s teach it the limit); `learned`: the next run,
   * which starts from what the state kept.
   */
  sizing: 'known' | 'learning' | 'learned';
  cpCodes: number;
  rows: number;
  floorRequests: number;
  floorMs: number;
  runs: Array<{ ms: number; requests: number; throttled: number; refused: number }>;
}

async function main(): Promise<TrafficBenchPoint[]> {
  const codes = Array.from({ length: CP_CODES }, (_, i) => 600_000 + i);
  let dataNow = Date.now();
  const { akamai, edgercPath } = await startAkamaiStandin({
    cprg: {
      accounts: new Map([
        [
          '',
          codes.map((cpcodeId) => ({
            cpcodeId,
            cpcodeName: `cp-${cpcodeId}`,
            contractId: 'C-1',
            groupId: 1,
            productIds: ['Site_Accel'],
          })),
        ],
      ]),
    },
    reporting: {
      maxQueryCost: COST_LIMIT,
      requestsPerMinute: ACCOUNT_PER_MINUTE,
      dataNow: () => dataNow,
    },
  });
  const points: TrafficBenchPoint[] = [];
  const rows = CP_CODES * (OUTAGE_SECONDS / BUCKET_SECONDS);
  const floorRequests = Math.ceil(rows / COST_LIMIT);
  const pointOf = (sizing: TrafficBenchPoint['sizing']): TrafficBenchPoint => {
    const point = {
      sizing,
      cpCodes: CP_CODES,
      rows,
      floorRequests,
      floorMs: ((floorRequests - 1) * 60_000) / SHARE,
      runs: [],
    };
    points.push(point);
    return point;
  };
  const known = pointOf('known');
  const learning = pointOf('learning');
  const learned = pointOf('learned');
  try {
    for (const sizing of ['known', 'default'] as const) {
      for (let i = 0; i < REPEAT; i++) {
        const prometheus = await RealPrometheus.startRemoteWriteReceiver(undefined, {
          outOfOrderWindow: '13h',
        });
        try {
          const env = {
            SINKS: 'remote-write',
            REMOTE_WRITE_URL: `${prometheus.url}/api/v1/write`,
            AKAMAI_EDGERC: edgercPath,
            AKAMAI_EDGERC_SECTION: 'standin',
            TRAFFIC_STATE_DIR: mkdtempSync(join(tmpdir(), 'bench-traffic-')),
          };
          const schedule = parseTrafficSchedule({
            name: 'bench',
            targets: codes.map((cpCode) => ({ cpCode })),
            requestsPerMinute: SHARE,
            ...(sizing === 'known' ? { maxRowsPerRequest: COST_LIMIT } : {}),
          });
          const logger = createLogger({ level: 'error', write: () => {} });
          const run = async (at: number) => {
            dataNow = at;
            const deadline = deadlineIn(900_000);
            const sinks = await connectSinks(env, deadline, logger);
            return collectTraffic(
              schedule,
              {
                settings: trafficSettingsFromEnv(env),
                sinks,
                logger,
                stage: 'bench',
                now: () => at,
              },
              deadline,
            );
          };
          /** A run after a six-hour outage, timed, with what it asked of Akamai. */
          const measured = async (point: TrafficBenchPoint, at: number) => {
            akamai.requests.length = 0;
            const started = performance.now();
            const summary = await run(at);
            const ms = performance.now() - started;
            if (summary.failed.length > 0)
              throw new Error(`the bench run failed: ${summary.failed[0]?.message ?? ''}`);
            const statuses = akamai.requests
              .filter((r) => r.path === TRAFFIC_REPORT_PATH)
              .map((r) => r.status);
            point.runs.push({
              ms,
              requests: statuses.length,
              throttled: statuses.filter((s) => s === 429).length,
              refused: statuses.filter((s) => s === 422).length,
            });
            process.stderr.write(
              `  ${point.sizing} sizing: ${Math.round(ms)} ms, ${statuses.length} requests (floor ${floorRequests})\n`,
            );
          };
          // The run before the outage (one request), then the one six hours later; with the
          // default sizing, one more six hours after that, which starts from what it learned.
          const outage = OUTAGE_SECONDS * 1000;
          const before = Date.now() - (sizing === 'known' ? 1 : 2) * outage;
          await run(before);
          await measured(sizing === 'known' ? known : learning, before + outage);
          if (sizing === 'default') await measured(learned, before + 2 * outage);
        } finally {
          await prometheus.stop();
        }
      }
    }
  } finally {
    await akamai.stop();
  }
  return points;
}

main().then(
  (points) => process.stdout.write(JSON.stringify(points)),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
