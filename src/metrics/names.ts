import { ConfigurationError } from '../shared/errors';

/** Prometheus data model (classic, non-UTF-8 names: the Pushgateway's default). */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Label names starting with `__` are reserved for Prometheus' internal use. */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

export function assertMetricName(name: string, where = 'metric'): void {
  if (!isValidMetricName(name)) {
    throw new ConfigurationError(
      `invalid metric name ${JSON.stringify(name)} in ${where}: must match ${METRIC_NAME.source}`,
    );
  }
}

export function assertLabelName(name: string, where = 'label'): void {
  if (!isValidLabelName(name)) {
    throw new ConfigurationError(
      `invalid label name ${JSON.stringify(name)} in ${where}: must match ${LABEL_NAME.source} and not start with "__"`,
    );
  }
}
