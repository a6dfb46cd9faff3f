/**
 * Typed Grafana dashboard JSON (the subset we generate), and builders with the defaults every
 * panel of ours shares. Datasource is always the `${datasource}` variable: no hard-coded ids,
 * so a hand import works on any Grafana.
 */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: 'time_series' | 'table';
  datasource: typeof DATASOURCE;
}

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Panel {
  id: number;
  type: 'timeseries' | 'stat' | 'table' | 'state-timeline' | 'row';
  title: string;
  description?: string;
  gridPos: GridPos;
  datasource?: typeof DATASOURCE;
  targets?: Target[];
  fieldConfig?: { defaults: Record<string, unknown> & { unit: string }; overrides: unknown[] };
  options?: Record<string, unknown>;
  links?: Array<{ title: string; url: string }>;
}

export interface Variable {
  name: string;
  label: string;
  type: 'datasource' | 'query';
  query: string | { query: string; refId: string };
  datasource?: typeof DATASOURCE;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  current?: Record<string, unknown>;
  refresh?: number;
  sort?: number;
  hide?: number;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: 'browser';
  editable: boolean;
  graphTooltip: number;
  refresh: string;
  schemaVersion: number;
  version: number;
  time: { from: string; to: string };
  templating: { list: Variable[] };
  annotations: { list: unknown[] };
  links: Array<{
    title: string;
    type: 'dashboards';
    tags: string[];
    asDropdown: boolean;
    includeVars: boolean;
    keepTime: boolean;
  }>;
  panels: Panel[];
}
