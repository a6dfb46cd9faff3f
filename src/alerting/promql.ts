type LezerPromql = typeof import('@prometheus-io/lezer-promql', {
  with: { 'resolution-mode': 'import' },
});
// The package is ESM with a CommonJS build ("require" export); TypeScript only sees its ESM
// typings, hence the typed require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as LezerPromql;

export interface PromqlAnalysis {
  /** Empty when the expression parses. */
  errors: string[];
  metricNames: Set<string>;
  labelNames: Set<string>;
}

/**
 * Parse a PromQL expression with Prometheus' own grammar (the one its web UI uses) and list
 * the metric and label names it refers to, so rules can be checked against what we push.
 */
export function analysePromql(expr: string): PromqlAnalysis {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metricNames = new Set<string>();
  const labelNames = new Set<string>();
  const cursor = tree.cursor();
  do {
    const node = cursor.type;
    if (node.isError) {
      const near = expr.slice(Math.max(0, cursor.from - 15), cursor.to + 15);
      errors.push(`syntax error at offset ${cursor.from} near ${JSON.stringify(near)}`);
    } else if (node.name === 'Identifier' && cursor.node.parent?.type.name === 'VectorSelector') {
      metricNames.add(expr.slice(cursor.from, cursor.to));
    } else if (node.name === 'LabelName') {
      labelNames.add(expr.slice(cursor.from, cursor.to));
    }
  } while (cursor.next());
  return { errors, metricNames, labelNames };
}
