import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RealPrometheus } from '../dev/realPrometheus';
import { RealPushgateway } from '../dev/realPushgateway';
import { estatsResponseSchema } from '../src/akamai/estatsSchema';
import { buildEstatsMetrics } from '../src/akamai/estatsMetrics';
import { DEFAULT_ALERTING_CONFIG, shippedRules } from '../src/deploy/stage/alerting';
import { renderRules } from '../src/alerting/render';
import { collectSynthetic } from '../src/collectors/synthetic';
import { estatsGroupingKey } from '../src/metrics/groups';
import { NO_DEADLINE } from '../src/shared/deadline';
import { createLogger } from '../src/shared/logger';
import { Deliveries } from '../src/sinks/deliveries';
import { PushgatewayClient } from '../src/sinks/pushgateway/client';
import { PushgatewaySet } from '../src/sinks/pushgateway/pushgatewaySet';
import { pushgatewaySink } from '../src/sinks/pushgateway/sink';
import { parseFleet } from '../src/synthetic/fleetConfig';

/** What one set of rules costs the Prometheus that evaluates it. */
export interface RuleCost {
  rules: 'recorded' | 'inline';
  /** Median of `prometheus_rule_group_last_duration_seconds`, per group, in ms. */
  groupMs: Record<string, number>;
  /** Series in Prometheus' head block once the rules ran (what they add is stored). */
  headSeries: number;
}

const ROOT = join(__dirname, '..');
const PORTS = 24;
/** Scrape and evaluation interval: the shipped 30 s would make the bench minutes long. */
const INTERVAL_S = 5;
/** Evaluations sampled per rule file (one per interval). */
const SAMPLES = 8;
/** A fleet tick this often (the shipped schedule's is a minute): rates move, the CPU is not all pushing. */
const TICK_MS = 15_000;

/**
 * The shipped rules (recorded freshest copies) against the rules before them, which wrote
 * the freshest-copy subquery out in every alert (bench/baselines/rules-inline.yml), on the
 * same data: a synthetic fleet and eStats targets pushed to two real Pushgateways, scraped by
 * a real Prometheus with one rule file, then by another with the other. Reads each group's
 * evaluation time from Prometheus' own metrics, and its head series.
 */
export async function measureRuleCost(
  devices: number,
  targets: number,
  log: (line: string) => void,
): Promise<RuleCost[]> {
  const pushgateways = [await RealPushgateway.start(), await RealPushgateway.start()];
  try {
    const urls = pushgateways.map((p) => p.url);
    const ticking = await pushData(devices, targets, urls);
    const files = {
      // Every group at the bench's interval, the dashboards' too: a cost per evaluation.
      recorded: renderRules(
        shippedRules({ ...DEFAULT_ALERTING_CONFIG, dashboardSeriesInterval: `${INTERVAL_S}s` }),
      ),
      inline: readFileSync(join(ROOT, 'bench', 'baselines', 'rules-inline.yml'), 'utf8'),
    } as const;
    const costs: RuleCost[] = [];
    // One Prometheus at a time: two would share the cores, and each other's noise.
    for (const [rules, yaml] of Object.entries(files) as Array<[RuleCost['rules'], string]>) {
      const cost = await evaluate(rules, yaml, urls);
      log(
        `${rules}: ${Object.entries(cost.groupMs)
          .map(([g, ms]) => `${g} ${ms.toFixed(1)} ms`)
          .join(', ')}; ${cost.headSeries} head series`,
      );
      costs.push(cost);
    }
    await ticking.stop();
    return costs;
  } finally {
    for (const p of pushgateways) await p.stop();
  }
}

/** One Prometheus with `yaml`, scraping and evaluating every INTERVAL: its evaluation times. */
async function evaluate(
  rules: RuleCost['rules'],
  yaml: string,
  urls: readonly string[],
): Promise<RuleCost> {
  const prometheus = await RealPrometheus.start(urls, `${INTERVAL_S}s`, yaml);
  try {
    await prometheus.waitFor('synthetic_port_link_up', 60_000);
    // Two evaluations first: the first one may read a half-scraped fleet.
    await sleep(2 * INTERVAL_S * 1000);
    const samples = new Map<string, number[]>();
    for (let i = 0; i < SAMPLES; i++) {
      for (const [group, seconds] of await groupDurations(prometheus.url)) {
        samples.set(group, [...(samples.get(group) ?? []), seconds * 1000]);
      }
      await sleep(INTERVAL_S * 1000);
    }
    const text = await (await fetch(`${prometheus.url}/metrics`)).text();
    return {
      rules,
      groupMs: Object.fromEntries([...samples].map(([group, ms]) => [group, median(ms)])),
      headSeries: Number(/^prometheus_tsdb_head_series (\S+)$/m.exec(text)?.[1] ?? Number.NaN),
    };
  } finally {
    await prometheus.stop();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One eStats sample per target, and the fleet's ticks, one after the other until stopped: its
 * counters move as real ports' do, so the rules see traffic (a frozen fleet would leave every
 * port "without traffic", and the bench would time alert templating instead).
 */
async function pushData(
  devices: number,
  targets: number,
  urls: string[],
): Promise<{ stop(): Promise<void> }> {
  const set = new PushgatewaySet(
    urls.map((url) => ({ name: url, client: new PushgatewayClient({ url: new URL(url) }) })),
  );
  const deliveries = new Deliveries([pushgatewaySink(set)]);
  const answer = estatsResponseSchema.parse(
    JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'estats-sample.json'), 'utf8')),
  );
  for (let i = 0; i < targets; i++) {
    const metrics = buildEstatsMetrics(answer, { topEdgeIps: 5, requestDurationSeconds: 1 });
    await deliveries.put(estatsGroupingKey({ cpCode: 100_000 + i }), metrics, NO_DEADLINE);
  }
  const plan = parseFleet({ name: 'rules', deviceCount: devices, portsPerDevice: PORTS });
  const logger = createLogger({ write: () => {} });
  const tick = async () => {
    const now = Math.floor(Date.now() / 1000);
    const summary = await collectSynthetic(plan, now, { sinks: deliveries, logger }, NO_DEADLINE);
    if (summary.failedDevices.length > 0) throw new Error('synthetic push failed');
  };
  await tick();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      await tick();
      await sleep(Math.max(0, TICK_MS - (Date.now() - started)));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** `prometheus_rule_group_last_duration_seconds` of each group, from Prometheus' /metrics. */
async function groupDurations(url: string): Promise<Array<[string, number]>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [
    ...text.matchAll(
      /^prometheus_rule_group_last_duration_seconds\{rule_group="[^;"]*;([^"]+)"\} (\S+)$/gm,
    ),
  ].map((m) => [m[1] as string, Number(m[2])]);
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
