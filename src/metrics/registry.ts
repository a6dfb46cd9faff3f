import { Counter, Gauge, Registry } from 'prom-client';
import { assertLabelName, assertMetricName } from '../pushgateway/names';
import type { MetricDefinition } from './catalogue';

/**
 * A registry that lives for one push. Lambda reuses warm containers: a registry kept at
 * module scope would carry series from one run into the next, so every run builds its own.
 */
export function createRunRegistry(): Registry {
  return new Registry();
}

/** Register a gauge from the catalogue, naming any invalid name before prom-client's terse error. */
export function registerGauge<L extends string>(
  registry: Registry,
  definition: MetricDefinition<L>,
): Gauge<L> {
  return new Gauge<L>(checkedOptions(registry, definition));
}

/** prom-client options for a catalogue entry, every name checked first (and named if bad). */
function checkedOptions<L extends string>(registry: Registry, definition: MetricDefinition<L>) {
  assertMetricName(definition.name);
  for (const label of definition.labels) assertLabelName(label, `metric ${definition.name}`);
  return {
    name: definition.name,
    help: definition.help,
    labelNames: definition.labels,
    registers: [registry],
  };
}

/** Text exposition format of the whole registry. */
export function serialize(registry: Registry): Promise<string> {
  return registry.metrics();
}

/**
 * Register a counter from the catalogue. Counters are pushed as absolute values computed by
 * the collector (a fresh registry each run starts at 0, so `inc(value)` sets it).
 */
export function registerCounter<L extends string>(
  registry: Registry,
  definition: MetricDefinition<L>,
): Counter<L> {
  return new Counter<L>(checkedOptions(registry, definition));
}
