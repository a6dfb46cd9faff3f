import {
  DATASOURCE,
  type Dashboard,
  type GridPos,
  type Panel,
  type Target,
  type Variable,
} from './model';

export const PRODUCT_TAG = 'pushgate-collector';

export function datasourceVariable(): Variable {
  return {
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    current: {},
    hide: 0,
  };
}

/** A multi-value variable from label_values(metric, label); "All" matches empty values too. */
export function labelVariable(
  name: string,
  label: string,
  metric: string,
  labelName: string,
): Variable {
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    query: { query: `label_values(${metric}, ${labelName})`, refId: `${name}-values` },
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    refresh: 2,
    sort: 1,
    hide: 0,
  };
}

export function target(expr: string, legendFormat?: string, refId = 'A'): Target {
  return { refId, expr, ...(legendFormat ? { legendFormat } : {}), datasource: DATASOURCE };
}

export function instantTable(expr: string, refId = 'A'): Target {
  return { refId, expr, instant: true, range: false, format: 'table', datasource: DATASOURCE };
}

export function timeseries(
  title: string,
  gridPos: GridPos,
  targets: Target[],
  unit: string,
  options: { stacked?: boolean; description?: string; max?: number } = {},
): Omit<Panel, 'id'> {
  return {
    type: 'timeseries',
    title,
    ...(options.description ? { description: options.description } : {}),
    gridPos,
    datasource: DATASOURCE,
    targets,
    fieldConfig: {
      defaults: {
        unit,
        min: 0,
        ...(options.max !== undefined ? { max: options.max } : {}),
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: options.stacked ? 60 : 10,
          stacking: { mode: options.stacked ? 'normal' : 'none', group: 'A' },
          showPoints: 'never',
        },
      },
      overrides: [],
    },
    options: {
      legend: { displayMode: 'table', placement: 'right', calcs: ['lastNotNull', 'max'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

export function stat(
  title: string,
  gridPos: GridPos,
  targets: Target[],
  unit: string,
  thresholds: Array<{ color: string; value: number | null }>,
  description?: string,
): Omit<Panel, 'id'> {
  return {
    type: 'stat',
    title,
    ...(description ? { description } : {}),
    gridPos,
    datasource: DATASOURCE,
    targets,
    fieldConfig: {
      defaults: { unit, thresholds: { mode: 'absolute', steps: thresholds } },
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'background',
      graphMode: 'none',
      textMode: 'value_and_name',
    },
  };
}

export function table(
  title: string,
  gridPos: GridPos,
  targets: Target[],
  unit: string,
  description?: string,
): Omit<Panel, 'id'> {
  return {
    type: 'table',
    title,
    ...(description ? { description } : {}),
    gridPos,
    datasource: DATASOURCE,
    targets,
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { showHeader: true, sortBy: [{ displayName: 'Value', desc: true }] },
  };
}

export function stateTimeline(
  title: string,
  gridPos: GridPos,
  targets: Target[],
  mappings: Array<{ value: string; text: string; color: string }>,
): Omit<Panel, 'id'> {
  return {
    type: 'state-timeline',
    title,
    gridPos,
    datasource: DATASOURCE,
    targets,
    fieldConfig: {
      defaults: {
        unit: 'none',
        mappings: [
          {
            type: 'value',
            options: Object.fromEntries(
              mappings.map((m, i) => [m.value, { text: m.text, color: m.color, index: i }]),
            ),
          },
        ],
        color: { mode: 'thresholds' },
      },
      overrides: [],
    },
    options: { showValue: 'never', mergeValues: true, rowHeight: 0.9 },
  };
}

/** Assign ids in order; the layout is explicit in each panel's gridPos. */
export function withIds(panels: Array<Omit<Panel, 'id'>>): Panel[] {
  return panels.map((panel, i) => ({ id: i + 1, ...panel }) as Panel);
}

/** Alert annotations from Prometheus' ALERTS series, for alerts whose name matches. */
export function alertAnnotation(alertRegex: string) {
  return {
    name: 'Alerts',
    datasource: DATASOURCE,
    enable: true,
    iconColor: 'red',
    expr: `ALERTS{alertstate="firing", alertname=~"${alertRegex}"}`,
    step: '60s',
    titleFormat: '{{ alertname }}',
    textFormat: '{{ severity }}',
    useValueForTime: false,
  };
}

export function dashboard(
  spec: Pick<Dashboard, 'uid' | 'title' | 'description' | 'tags' | 'panels'> & {
    variables: Variable[];
    annotations?: unknown[];
  },
): Dashboard {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [PRODUCT_TAG, ...spec.tags],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    refresh: '1m',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [datasourceVariable(), ...spec.variables] },
    annotations: { list: spec.annotations ?? [] },
    links: [
      {
        title: 'pushgate-collector',
        type: 'dashboards',
        tags: [PRODUCT_TAG],
        asDropdown: true,
        includeVars: false,
        keepTime: true,
      },
    ],
    panels: spec.panels,
  };
}
