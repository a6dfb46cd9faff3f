import * as common from '@grafana/grafana-foundation-sdk/common';
import * as grafana from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PRODUCT_NAME } from '../constants';
import { ESTATS, LABEL } from '../metrics/catalogue';
import { CP_CODE_VARIABLE_REGEX, CP_CODES_WITH_NAMES } from '../queries/estats';
import type { Dashboard } from './model';

/**
 * Our panel and dashboard conventions, on grafana-foundation-sdk's builders (pinned to the
 * Grafana the compose file runs): the datasource is always the `${datasource}` variable (no
 * hard-coded ids, so a hand import works on any Grafana); every panel has a unit; panels are
 * placed by the SDK's layout, row by row, from their width and height alone.
 */
export const PRODUCT_TAG = PRODUCT_NAME;
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** Width (of 24 columns) and height of a panel; the SDK places it in its row. */
export interface Size {
  w: number;
  h: number;
}

export function target(expr: string, legendFormat?: string, refId = 'A'): DataqueryBuilder {
  const query = new DataqueryBuilder().expr(expr).refId(refId).datasource(DATASOURCE);
  return legendFormat ? query.legendFormat(legendFormat) : query;
}

export function instantTable(expr: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder()
    .expr(expr)
    .refId(refId)
    .instant()
    .format('table' as never)
    .datasource(DATASOURCE);
}

/** A multi-value variable from label_values(metric, label); "All" matches empty values too. */
export function labelVariable(
  name: string,
  label: string,
  metric: string,
  labelName: string,
): grafana.QueryVariableBuilder {
  return new grafana.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(`label_values(${metric}, ${labelName})`)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .refresh(grafana.VariableRefresh.OnTimeRangeChanged)
    .sort(grafana.VariableSort.AlphabeticalAsc);
}

/**
 * The CP code variable: each CP code its value, shown by its name where it has one (the
 * target info series), so people pick "shop-images" rather than 510001.
 */
export function cpCodeVariable(): grafana.QueryVariableBuilder {
  return labelVariable('cp_code', 'CP code', ESTATS.up.name, LABEL.cpCode)
    .query(`query_result(${CP_CODES_WITH_NAMES})`)
    .regex(CP_CODE_VARIABLE_REGEX);
}

/** What every builder of ours shares: its methods return the builder itself. */
interface PanelBasics<T> {
  title(title: string): T;
  span(w: number): T;
  height(h: number): T;
  datasource(datasource: grafana.DataSourceRef): T;
  targets(targets: DataqueryBuilder[]): T;
  unit(unit: string): T;
}

/** Our conventions for any panel: its title, size, the datasource variable, its queries, a unit. */
function panelBasics<T extends PanelBasics<T>>(
  panel: T,
  title: string,
  size: Size,
  targets: DataqueryBuilder[],
  unit: string,
): T {
  return panel
    .title(title)
    .span(size.w)
    .height(size.h)
    .datasource(DATASOURCE)
    .targets(targets)
    .unit(unit);
}

const thresholds = (steps: grafana.Threshold[]) =>
  new grafana.ThresholdsConfigBuilder().mode(grafana.ThresholdsMode.Absolute).steps(steps);

export function timeseries(
  title: string,
  size: Size,
  targets: DataqueryBuilder[],
  unit: string,
  options: { stacked?: boolean; description?: string; max?: number } = {},
): TimeseriesPanel {
  const panel = panelBasics(new TimeseriesPanel(), title, size, targets, unit)
    .min(0)
    .drawStyle(common.GraphDrawStyle.Line)
    .lineWidth(1)
    .fillOpacity(options.stacked ? 60 : 10)
    .stacking(
      new common.StackingConfigBuilder()
        .mode(options.stacked ? common.StackingMode.Normal : common.StackingMode.None)
        .group('A'),
    )
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Right)
        .showLegend(true)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
  if (options.max !== undefined) panel.max(options.max);
  if (options.description) panel.description(options.description);
  return panel;
}

export function stat(
  title: string,
  size: Size,
  targets: DataqueryBuilder[],
  unit: string,
  steps: grafana.Threshold[],
  description?: string,
): StatPanel {
  const panel = panelBasics(new StatPanel(), title, size, targets, unit)
    .thresholds(thresholds(steps))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName);
  return description ? panel.description(description) : panel;
}

export function table(
  title: string,
  size: Size,
  targets: DataqueryBuilder[],
  unit: string,
  description?: string,
): TablePanel {
  const panel = panelBasics(new TablePanel(), title, size, targets, unit)
    .showHeader(true)
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('Value').desc(true)]);
  return description ? panel.description(description) : panel;
}

export function stateTimeline(
  title: string,
  size: Size,
  targets: DataqueryBuilder[],
  mappings: Array<{ value: string; text: string; color: string }>,
): StateTimelinePanel {
  return panelBasics(new StateTimelinePanel(), title, size, targets, 'none')
    .mappings([
      {
        type: grafana.MappingType.ValueToText,
        options: Object.fromEntries(
          mappings.map((m, i) => [m.value, { text: m.text, color: m.color, index: i }]),
        ),
      },
    ])
    .colorScheme(new grafana.FieldColorBuilder().mode(grafana.FieldColorModeId.Thresholds))
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .rowHeight(0.9);
}

/** Alert annotations from Prometheus' ALERTS series, for alerts whose name matches. */
export function alertAnnotation(alertRegex: string): grafana.AnnotationQueryBuilder {
  return new grafana.AnnotationQueryBuilder()
    .name('Alerts')
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor('red')
    .expr(`ALERTS{alertstate="firing", alertname=~"${alertRegex}"}`);
}

export interface Row {
  title: string;
  panels: Array<TimeseriesPanel | StatPanel | TablePanel | StateTimelinePanel>;
}

/**
 * A dashboard of rows. Panel ids are assigned in order (rows included), so a panel keeps its
 * id as long as nothing is inserted before it: Slack links open panels by id.
 */
export function dashboard(spec: {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: grafana.QueryVariableBuilder[];
  annotations?: grafana.AnnotationQueryBuilder[];
  rows: Row[];
}): Dashboard {
  const builder = new grafana.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([PRODUCT_TAG, ...spec.tags])
    .timezone('browser')
    .editable()
    .tooltip(grafana.DashboardCursorSync.Crosshair)
    .refresh('1m')
    .version(1)
    .time({ from: 'now-6h', to: 'now' })
    .withVariable(
      new grafana.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'),
    )
    .link(
      new grafana.DashboardLinkBuilder(PRODUCT_TAG)
        .type(grafana.DashboardLinkType.Dashboards)
        .tags([PRODUCT_TAG])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    );
  for (const variable of spec.variables) builder.withVariable(variable);
  for (const annotation of spec.annotations ?? []) builder.annotation(annotation);
  let id = 0;
  for (const row of spec.rows) {
    builder.withRow(new grafana.RowBuilder(row.title).id(++id));
    for (const panel of row.panels) builder.withPanel(panel.id(++id));
  }
  return builder.build();
}
